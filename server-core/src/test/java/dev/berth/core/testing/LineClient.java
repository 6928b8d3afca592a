package dev.berth.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A blocking test client over a plain socket: write bytes, read lines, see whether the server closed. */
public final class LineClient implements Closeable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public LineClient(InetSocketAddress address) throws IOException {
        this(address, 10_000);
    }

    public LineClient(InetSocketAddress address, int timeoutMillis) throws IOException {
        socket = new Socket();
        socket.connect(address, timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public Socket socket() {
        return socket;
    }

    public LineClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    public LineClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads up to and including LF; returns the line without CRLF, or null at end of stream. */
    public String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.UTF_8);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    /** Reads exactly n bytes, failing if the stream ends first. */
    public byte[] readExactly(int n) throws IOException {
        byte[] buf = in.readNBytes(n);
        if (buf.length != n) {
            throw new IOException("stream ended after " + buf.length + " of " + n + " bytes");
        }
        return buf;
    }

    /** True when the server has closed the connection (end of stream or reset) within the socket timeout. */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
