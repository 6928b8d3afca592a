package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STARTTLS (RFC 3207): the injection defence, the state reset, and implicit TLS on the second listener. */
class SmtpStartTlsTest {
    @TempDir
    static Path maildir;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(maildir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static SmtpTestClient secured() throws IOException {
        SmtpTestClient c = server.connect();
        c.reply();
        c.command("EHLO client.example");
        assertEquals("220 2.0.0 Ready to start TLS", c.command("STARTTLS"));
        c.startTls();
        return c;
    }

    @Test
    void commandsPipelinedAfterStartTlsInTheSameWriteAreDiscarded() throws IOException {
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            c.command("EHLO client.example");
            c.send("STARTTLS\r\nHELP\r\nEHLO injected.example\r\n");
            assertEquals("220 2.0.0 Ready to start TLS", c.reply());
            c.startTls();
            assertEquals("250 2.0.0 OK", c.command("NOOP"), "no reply to the injected HELP arrives inside TLS");
            assertEquals("503 5.5.1 Bad sequence of commands: send EHLO or HELO first",
                    c.command("MAIL FROM:<a@example.org>"), "the injected EHLO was not taken");
        }
    }

    @Test
    void afterTheHandshakeTheSessionForgetsItsGreetingAndTransactionAndNoLongerOffersStartTls() throws IOException {
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            c.command("EHLO client.example");
            assertEquals("250 2.1.0 Sender OK", c.command("MAIL FROM:<a@example.org>"));
            c.command("STARTTLS");
            c.startTls();
            assertEquals("503 5.5.1 Bad sequence of commands: send EHLO or HELO first", c.command("MAIL FROM:<a@example.org>"));
            String ehlo = c.command("EHLO client.example");
            assertFalse(ehlo.contains("STARTTLS"), ehlo);
            assertEquals("503 5.5.1 Bad sequence of commands: need MAIL first", c.command("RCPT TO:<b@example.com>"));
            assertEquals("503 5.5.1 TLS already active", c.command("STARTTLS"));
        }
    }

    @Test
    void aMessageSentOverStartTlsCarriesTheTlsDetailsInItsReceivedHeader() throws IOException {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient c = secured()) {
            c.command("EHLO client.example");
            c.beginData("a@example.org", "b@example.com");
            assertTrue(c.command("Subject: " + marker + "\r\n\r\nsecret\r\n.").startsWith("250 "));
        }
        String stored = Files.readString(stored(marker));
        assertTrue(stored.matches("(?s).*with ESMTPS id \\w+\r\n\t\\(using TLSv1\\.[23] with cipher \\w+\\).*"), stored);
    }

    @Test
    void theImplicitTlsListenerSpeaksTlsFromTheFirstByteAndOffersNoStartTls() throws IOException {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient c = SmtpTestClient.implicitTls(server.implicitTlsAddress())) {
            assertTrue(c.reply().startsWith("220 mx.test ESMTP"));
            assertFalse(c.command("EHLO client.example").contains("STARTTLS"));
            assertEquals("503 5.5.1 TLS already active", c.command("STARTTLS"));
            c.beginData("a@example.org", "b@example.com");
            assertTrue(c.command("Subject: " + marker + "\r\n\r\nhi\r\n.").startsWith("250 "));
        }
        assertTrue(Files.readString(stored(marker)).contains("with ESMTPS id"));
    }

    @Test
    void plaintextAfterStartTlsInsteadOfAHandshakeClosesTheConnection() throws IOException {
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            c.command("EHLO client.example");
            assertEquals("220 2.0.0 Ready to start TLS", c.command("STARTTLS"));
            c.send("MAIL FROM:<a@example.org>\r\n");
            assertTrue(c.closedByServer());
        }
    }

    private static Path stored(String marker) throws IOException {
        for (Path p : server.delivered()) {
            if (Files.readString(p).contains(marker)) {
                return p;
            }
        }
        throw new AssertionError("no message with " + marker + " in " + List.copyOf(server.delivered()));
    }
}
