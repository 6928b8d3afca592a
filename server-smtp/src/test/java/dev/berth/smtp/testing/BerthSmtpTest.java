package dev.berth.smtp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** {@code @BerthSmtp}: a real SMTP server whose received messages the test reads, envelope and bytes. */
@BerthSmtp
class BerthSmtpTest {

    @Test
    void aMessageSentOverStartTlsReachesTheTestWithItsEnvelope(BerthSmtpExtension smtp) throws Exception {
        smtp.clear();
        try (Socket plain = new Socket("127.0.0.1", smtp.port())) {
            Line c = new Line(plain);
            c.expect("220");
            c.send("EHLO client.test").expect("250");
            c.send("STARTTLS").expect("220");
            SSLSocket tls = (SSLSocket) smtp.clientContext().getSocketFactory()
                    .createSocket(plain, "localhost", smtp.port(), true);
            SSLParameters p = tls.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(p);
            tls.startHandshake();
            c = new Line(tls);
            c.send("EHLO client.test").expect("250");
            c.send("MAIL FROM:<app@example.org>").expect("250");
            c.send("RCPT TO:<ops@example.com>").expect("250");
            c.send("RCPT TO:<audit@example.com>").expect("250");
            c.send("DATA").expect("354");
            c.send("Subject: nightly report\r\n\r\n..all green\r\n.").expect("250");
            c.send("QUIT").expect("221");
        }
        List<ReceivedMessage> got = smtp.awaitMessages(1, Duration.ofSeconds(10));
        ReceivedMessage m = got.get(0);
        assertEquals("app@example.org", m.from());
        assertEquals(List.of("ops@example.com", "audit@example.com"), m.recipients());
        assertEquals("Subject: nightly report\r\n\r\n.all green\r\n", m.text(), "dot-stuffing undone");
        assertEquals("nightly report", m.header("subject").orElseThrow());
        assertEquals("client.test", m.heloName().orElseThrow());
        assertTrue(m.tlsProtocol().orElseThrow().startsWith("TLSv1."), m.toString());
    }

    /** Reads and writes CRLF lines; a reply is read to its last line. */
    private static final class Line {
        private final BufferedReader in;
        private final OutputStream out;
        private String last;

        Line(Socket s) throws Exception {
            in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            out = s.getOutputStream();
        }

        Line send(String text) throws Exception {
            out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return this;
        }

        void expect(String code) throws Exception {
            do {
                last = in.readLine();
            } while (last != null && last.length() > 3 && last.charAt(3) == '-');
            assertTrue(last != null && last.startsWith(code), "expected " + code + ", got " + last);
        }
    }
}
