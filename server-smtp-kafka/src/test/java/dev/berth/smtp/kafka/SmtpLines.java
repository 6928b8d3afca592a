package dev.berth.smtp.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A plain SMTP client for the tests: one command line out, one whole reply back. */
final class SmtpLines implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    SmtpLines(InetSocketAddress server) throws IOException {
        socket = new Socket(server.getAddress(), server.getPort());
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** The client's own address, as the server sees it. */
    InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Sends text as is; no line end added. */
    void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One reply, its lines joined by '\n'; null when the server closed. */
    String reply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                b.write(c);
            }
            if (c < 0) {
                return lines.isEmpty() ? null : String.join("\n", lines);
            }
            String line = b.toString(StandardCharsets.UTF_8).replaceAll("\r$", "");
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return String.join("\n", lines);
            }
        }
    }

    String command(String line) throws IOException {
        send(line + "\r\n");
        return reply();
    }

    /** True when a reply has begun to arrive: nothing is read. */
    boolean replyWaiting() throws IOException {
        return in.available() > 0;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
