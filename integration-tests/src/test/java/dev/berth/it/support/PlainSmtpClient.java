package dev.berth.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal plaintext SMTP client for load that must be cut off mid-way (the crash test): it sends
 * one message per call on one session and reports the final reply. Clients whose output is checked
 * are real programs (swaks, msmtp, ...); this one only feeds traffic.
 */
public final class PlainSmtpClient implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    public PlainSmtpClient(InetSocketAddress server) throws IOException {
        this(server, null);
    }

    /** A session from the local address {@code from} (another loopback address), or any if null. */
    public PlainSmtpClient(InetSocketAddress server, InetAddress from) throws IOException {
        socket = new Socket();
        if (from != null) {
            socket.bind(new InetSocketAddress(from, 0));
        }
        socket.connect(server, 10_000);
        socket.setSoTimeout(60_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        out = socket.getOutputStream();
        expect(reply(), "220");
        command("EHLO load.it.test", "250");
    }

    /** MAIL, RCPT, DATA and the message (CRLF lines, no line starting with a dot); true when it got 250. */
    public boolean send(String from, String to, byte[] message) throws IOException {
        command("MAIL FROM:<" + from + ">", "250");
        command("RCPT TO:<" + to + ">", "250");
        command("DATA", "354");
        out.write(message);
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reply().startsWith("250");
    }

    /**
     * MAIL, RCPT, DATA and the message like {@link #send}, but returns the reply that ended the transaction:
     * the reply to the final dot, or the first reply to MAIL, RCPT or DATA that refused (after which the
     * transaction is reset with RSET).
     */
    public String deliver(String from, String to, byte[] message) throws IOException {
        for (String[] step : new String[][] {{"MAIL FROM:<" + from + ">", "250"}, {"RCPT TO:<" + to + ">", "250"},
                {"DATA", "354"}}) {
            out.write((step[0] + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = reply();
            if (!reply.startsWith(step[1])) {
                command("RSET", "250");
                return reply;
            }
        }
        out.write(message);
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reply();
    }

    private void command(String line, String code) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(reply(), code);
    }

    /** The last line of a possibly multi-line reply. */
    private String reply() throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("the server closed the connection");
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    private static void expect(String reply, String code) throws IOException {
        if (!reply.startsWith(code)) {
            throw new IOException("expected " + code + ", got: " + reply);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
