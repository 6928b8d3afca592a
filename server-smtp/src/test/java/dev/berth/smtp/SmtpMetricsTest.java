package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SMTP meters of docs/metrics.md move with real sessions, each tagged with its listener. */
class SmtpMetricsTest {
    @TempDir
    Path dir;
    TestServer server;

    @BeforeEach
    void start() throws IOException {
        Path users = dir.resolve("users");
        Files.writeString(users, UsersFile.line("alice", "pw".toCharArray()) + "\n");
        server = new TestServer(dir.resolve("maildir"), SmtpConfig.builder().serverName("mx.test").maxMessageSize(1000)
                .acceptedDomains(Set.of("example.com")).authenticator(UsersFile.load(users)).build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private double count(String name, String... tags) {
        Counter c = server.meters.find(name).tag("listener", "smtp").tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Waits until every session has ended: the active gauge is back at zero (a session ends after its client hangs up). */
    private void awaitNoSession(String listener) throws InterruptedException {
        Gauge active = server.meters.find("berth.smtp.sessions.active").tag("listener", listener).gauge();
        for (int i = 0; i < 1000 && active.value() > 0; i++) {
            Thread.sleep(20);
        }
        assertEquals(0, active.value());
    }

    @Test
    void sessionsTransactionsMessagesAuthAndStartTlsAreCountedPerListener() throws Exception {
        String message = "Subject: counted\r\n\r\nhello\r\n";
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            c.command("EHLO client.example");
            assertEquals(1, server.meters.find("berth.smtp.sessions.active").tag("listener", "smtp").gauge().value());
            c.command("STARTTLS");
            c.startTls();
            c.command("EHLO client.example");
            assertTrue(c.command("AUTH PLAIN " + b64("\0alice\0wrong")).startsWith("535 "));
            assertTrue(c.command("AUTH PLAIN " + b64("\0alice\0pw")).startsWith("235 "));
            // accepted: two recipients, one refused by domain
            assertTrue(c.command("MAIL FROM:<a@example.org>").startsWith("250 "));
            assertTrue(c.command("RCPT TO:<b@example.com>").startsWith("250 "));
            assertTrue(c.command("RCPT TO:<c@example.com>").startsWith("250 "));
            assertTrue(c.command("RCPT TO:<d@elsewhere.net>").startsWith("550 5.1.1 "));
            assertTrue(c.command("DATA").startsWith("354 "));
            assertTrue(c.command(message + ".").startsWith("250 2.0.0 "));
            // refused: too big for the 1000-octet limit
            c.beginData("a@example.org", "b@example.com");
            assertTrue(c.command("x".repeat(900) + "\r\n" + "y".repeat(900) + "\r\n.").startsWith("552 5.3.4 "));
            // aborted: RSET between MAIL and DATA
            assertTrue(c.command("MAIL FROM:<a@example.org>").startsWith("250 "));
            assertTrue(c.command("RSET").startsWith("250 "));
            c.command("QUIT");
        }
        awaitNoSession("smtp");

        assertEquals(1, count("berth.smtp.sessions"));
        assertEquals(1, count("berth.smtp.starttls", "result", "success"));
        assertEquals(1, count("berth.smtp.auth", "mechanism", "PLAIN", "result", "failure"));
        assertEquals(1, count("berth.smtp.auth", "mechanism", "PLAIN", "result", "success"));
        assertEquals(1, count("berth.smtp.transactions", "outcome", "accepted", "reply.class", "2xx", "reply.enhanced", "2.0.0"));
        assertEquals(1, count("berth.smtp.transactions", "outcome", "refused", "reply.class", "5xx", "reply.enhanced", "5.3.4"));
        assertEquals(1, count("berth.smtp.transactions", "outcome", "aborted", "reply.class", "none", "reply.enhanced", "none"));
        assertEquals(3, server.meters.find("berth.smtp.transactions").counters().stream().mapToDouble(Counter::count).sum());
        assertEquals(1, count("berth.smtp.messages.stored"));
        assertEquals(2, count("berth.smtp.recipients"));
        DistributionSummary size = server.meters.find("berth.smtp.message.size").tag("listener", "smtp").summary();
        assertEquals(1, size.count());
        assertEquals(message.length(), size.totalAmount());
        Timer store = server.meters.find("berth.smtp.store.duration").tag("listener", "smtp").tag("result", "ok").timer();
        assertEquals(1, store.count()); // the refused message never reached the store
    }

    @Test
    void aClientThatDropsTheConnectionDuringTheStartTlsHandshakeCountsAsAFailedUpgrade() throws Exception {
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            c.command("EHLO client.example");
            assertTrue(c.command("STARTTLS").startsWith("220 "));
            c.send("this is not a ClientHello\r\n");
        }
        awaitNoSession("smtp");
        assertEquals(1, count("berth.smtp.starttls", "result", "failure"));
        assertEquals(0, count("berth.smtp.starttls", "result", "success"));
    }

    @Test
    void theImplicitTlsListenerHasMetersOfItsOwn() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.implicitTls(server.implicitTlsAddress())) {
            c.reply();
            c.command("QUIT");
        }
        awaitNoSession("smtps");
        Counter smtps = server.meters.find("berth.smtp.sessions").tag("listener", "smtps").counter();
        assertEquals(1, smtps.count());
        assertEquals(0, count("berth.smtp.sessions"));
    }
}
