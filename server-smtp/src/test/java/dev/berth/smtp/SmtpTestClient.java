package dev.berth.smtp;

import dev.berth.core.testing.TrustAll;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A raw SMTP client for tests: writes exact bytes, reads whole (multi-line) replies, can switch to TLS. */
final class SmtpTestClient implements Closeable {
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    SmtpTestClient(InetSocketAddress address) throws IOException {
        this(new Socket(address.getAddress(), address.getPort()));
    }

    private SmtpTestClient(Socket socket) throws IOException {
        use(socket);
    }

    /** A client speaking TLS from the first byte (implicit TLS). */
    static SmtpTestClient implicitTls(InetSocketAddress address) throws IOException {
        Socket plain = new Socket(address.getAddress(), address.getPort());
        SSLSocket tls = (SSLSocket) trustAll().getSocketFactory().createSocket(plain, "localhost", address.getPort(), true);
        tls.startHandshake();
        return new SmtpTestClient(tls);
    }

    private void use(Socket s) throws IOException {
        s.setSoTimeout(15_000);
        this.socket = s;
        this.in = s.getInputStream();
        this.out = s.getOutputStream();
    }

    /** Sends text as UTF-8 bytes, exactly as given (no line end added). */
    SmtpTestClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    SmtpTestClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads one reply, all its lines, joined by '\n'; null when the server closed. */
    String reply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = line();
            if (line == null) {
                return lines.isEmpty() ? null : String.join("\n", lines);
            }
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return String.join("\n", lines);
            }
        }
    }

    /** Sends one command line (CRLF added) and reads its reply. */
    String command(String line) throws IOException {
        send(line + "\r\n");
        return reply();
    }

    /** MAIL FROM, RCPT TO and DATA; fails unless the server answers 250, 250 and 354. */
    void beginData(String from, String to) throws IOException {
        expect("250 ", command("MAIL FROM:<" + from + ">"));
        expect("250 ", command("RCPT TO:<" + to + ">"));
        expect("354 ", command("DATA"));
    }

    private static void expect(String prefix, String reply) throws IOException {
        if (reply == null || !reply.startsWith(prefix)) {
            throw new IOException("expected a " + prefix.trim() + " reply, got " + reply);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.UTF_8);
                if (!s.endsWith("\r")) {
                    throw new IOException("server sent a line without CRLF: " + s);
                }
                return s.substring(0, s.length() - 1);
            }
            b.write(c);
        }
        return null;
    }

    /** Upgrades the connection to TLS (after the server's 220 to STARTTLS). */
    void startTls() throws IOException {
        SSLSocket tls = (SSLSocket) trustAll().getSocketFactory()
                .createSocket(socket, "localhost", socket.getPort(), true);
        tls.startHandshake();
        use(tls);
    }

    /** True when the server closed the connection (end of stream or reset) within the read timeout. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    static SSLContext trustAll() {
        return TrustAll.context();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
