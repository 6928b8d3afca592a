package dev.berth.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A plain TCP client that sends exact bytes and reads what comes back, to test framing byte for byte. */
final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    RawClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(15_000);
        in = socket.getInputStream();
    }

    RawClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /** What arrives until the server closes the connection; fails if it stays open for 15 seconds. */
    String readUntilClosed() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection; received so far:\n"
                    + out.toString(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            // a reset after the answer still counts as closed
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** One response with a Content-Length body (or none): status line, headers and body. */
    String readResponse() throws IOException {
        return readResponse(false);
    }

    /** One response to HEAD: its Content-Length describes a body that is not sent. */
    String readHeadResponse() throws IOException {
        return readResponse(true);
    }

    private String readResponse(boolean headOnly) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("connection closed after: " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = headOnly ? new byte[0] : in.readNBytes(length);
        return head + new String(body, StandardCharsets.ISO_8859_1);
    }

    /** True when the server has closed (end of stream within the read timeout). */
    boolean isClosedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** What arrives within the read timeout (empty when nothing does); does not wait for a close. */
    String readAvailable() throws IOException {
        byte[] buf = new byte[8192];
        try {
            int n = in.read(buf);
            return n < 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException e) {
            return "";
        }
    }

    void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
