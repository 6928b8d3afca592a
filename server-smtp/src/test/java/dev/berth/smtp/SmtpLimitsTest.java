package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each limit answers with its own SMTP reply and stores nothing it refused. */
class SmtpLimitsTest {
    @TempDir
    static Path maildir;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer(maildir, SmtpConfig.builder().serverName("mx.test")
                .maxMessageSize(2000).maxRecipients(3).maxErrors(4)
                .commandTimeout(Duration.ofSeconds(1)).dataTimeout(Duration.ofSeconds(1))
                .acceptedDomains(Set.of("example.com")).requireTls(true).build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A session over STARTTLS (MAIL needs TLS on this server), greeted again after the handshake. */
    private static SmtpTestClient ready() throws IOException {
        SmtpTestClient c = server.connect();
        c.reply();
        c.command("EHLO client.example");
        c.command("STARTTLS");
        c.startTls();
        c.command("EHLO client.example");
        return c;
    }

    @Test
    void mailBeforeStartTlsGets530WhenTlsIsRequired() throws IOException {
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            c.command("EHLO client.example");
            assertEquals("530 5.7.0 Must issue a STARTTLS command first", c.command("MAIL FROM:<a@example.org>"));
        }
    }

    @Test
    void aDeclaredSizeOverTheLimitIsRefusedAtMail() throws IOException {
        try (SmtpTestClient c = ready()) {
            assertTrue(c.command("EHLO again.example").contains("SIZE 2000"));
            assertEquals("552 5.3.4 Message size exceeds fixed maximum message size", c.command("MAIL FROM:<a@example.org> SIZE=2001"));
            assertEquals("250 2.1.0 Sender OK", c.command("MAIL FROM:<a@example.org> SIZE=2000"));
        }
    }

    @Test
    void aMessageOverTheLimitIsRefusedAfterDataAndNotStored() throws IOException {
        int before = server.delivered().size();
        try (SmtpTestClient c = ready()) {
            c.beginData("a@example.org", "b@example.com");
            assertEquals("552 5.3.4 Message size exceeds fixed maximum message size",
                    c.command("Subject: big\r\n\r\n" + ("y".repeat(98) + "\r\n").repeat(30) + "."));
            assertEquals("250 2.0.0 OK", c.command("NOOP"));
            c.command("MAIL FROM:<a@example.org>");
            c.command("RCPT TO:<b@example.com>");
            c.send("BDAT 1500\r\n").send("z".repeat(1500));
            assertEquals("250 2.0.0 1500 octets received", c.reply());
            c.send("BDAT 600 LAST\r\n").send("z".repeat(600));
            assertEquals("552 5.3.4 Message size exceeds fixed maximum message size", c.reply());
        }
        assertEquals(before, server.delivered().size());
        assertEquals(List.of(), server.files("tmp"));
    }

    @Test
    void recipientsOverTheLimitGet452AndOtherDomainsGet550() throws IOException {
        try (SmtpTestClient c = ready()) {
            c.command("MAIL FROM:<a@example.org>");
            assertEquals("550 5.1.1 Recipient domain example.net is not accepted here", c.command("RCPT TO:<b@example.net>"));
            for (int i = 0; i < 3; i++) {
                assertEquals("250 2.1.5 Recipient OK", c.command("RCPT TO:<r" + i + "@Example.COM>"));
            }
            assertEquals("452 4.5.3 Too many recipients", c.command("RCPT TO:<r3@example.com>"));
        }
    }

    @Test
    void tooManyErrorsEndTheSessionWith421() throws IOException {
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            for (int i = 0; i < 3; i++) {
                assertEquals("500 5.5.1 Command unrecognized", c.command("BOGUS"));
            }
            assertEquals("500 5.5.1 Command unrecognized", c.command("BOGUS"));
            assertEquals("421 4.7.0 Too many errors, closing connection", c.reply());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void anIdleClientGets421AfterTheCommandTimeout() throws IOException {
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            assertEquals("421 4.4.2 Timeout, closing connection", c.reply());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void aStalledMessageGets421AfterTheDataTimeoutAndNothingIsStored() throws IOException {
        int before = server.delivered().size();
        try (SmtpTestClient c = ready()) {
            c.beginData("a@example.org", "b@example.com");
            c.send("Subject: stalled\r\n\r\nhalf a message");
            assertEquals("421 4.4.2 Timeout, closing connection", c.reply());
            assertTrue(c.closedByServer());
        }
        assertEquals(before, server.delivered().size());
    }
}
