package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graceful stop over real sockets: a session between transactions gets {@code 421 4.3.2} at once;
 * a message in DATA or BDAT, or being stored, is finished and answered first; what the deadline cuts
 * is not stored and is named in the log.
 */
class SmtpDrainTest {
    private static final String SHUTTING_DOWN = "421 4.3.2 Service shutting down, closing connection";

    @TempDir
    Path maildir;

    private TestServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    /** Starts a stop in the background and returns once an idle probe session has been told: the drain is under way. */
    private CompletableFuture<Boolean> stopAndAwaitDrain(SmtpTestClient idleProbe, Duration deadline) throws Exception {
        CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> server.server.stop(deadline));
        assertEquals(SHUTTING_DOWN, idleProbe.reply());
        assertTrue(idleProbe.closedByServer());
        // The probe may sit on another event loop than the session under test; give that loop its turn too.
        Thread.sleep(200);
        return stopped;
    }

    private SmtpTestClient idleProbe() throws IOException {
        SmtpTestClient probe = server.connect();
        probe.reply();
        assertTrue(probe.command("EHLO probe.example").startsWith("250"));
        return probe;
    }

    @Test
    void idleSessionsGet421AndAMessageInProgressIsFinishedBeforeItsSessionCloses() throws Exception {
        server = TestServer.start(maildir);
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient idle = idleProbe(); SmtpTestClient busy = server.connect()) {
            busy.reply();
            busy.command("EHLO busy.example");
            busy.beginData("a@example.org", "b@example.com");
            busy.send("Subject: " + marker + "\r\n\r\nfirst half\r\n");

            CompletableFuture<Boolean> stopped = stopAndAwaitDrain(idle, Duration.ofSeconds(20));

            busy.send("second half\r\n.\r\n");
            assertQueued(busy.reply());
            assertEquals(SHUTTING_DOWN, busy.reply());
            assertTrue(busy.closedByServer());
            assertTrue(stopped.get(30, TimeUnit.SECONDS), "every connection closed before the deadline");
        }
        assertEquals(1, server.delivered().size());
        assertTrue(TestServer.body(server.delivered().get(0)).endsWith("first half\r\nsecond half\r\n"));
    }

    @Test
    void commandsPipelinedAfterTheFinalDotAreAnsweredWith421NotRun() throws Exception {
        server = TestServer.start(maildir);
        try (SmtpTestClient idle = idleProbe(); SmtpTestClient busy = server.connect()) {
            busy.reply();
            busy.command("EHLO busy.example");
            busy.beginData("a@example.org", "b@example.com");
            busy.send("Subject: pipelined\r\n\r\nbody\r\n");
            CompletableFuture<Boolean> stopped = stopAndAwaitDrain(idle, Duration.ofSeconds(20));

            busy.send(".\r\nMAIL FROM:<c@example.org>\r\nRCPT TO:<d@example.com>\r\nQUIT\r\n");
            assertQueued(busy.reply());
            assertEquals(SHUTTING_DOWN, busy.reply(), "the pipelined MAIL is not run, and QUIT gets no 221");
            assertTrue(busy.closedByServer());
            assertTrue(stopped.get(30, TimeUnit.SECONDS));
        }
        assertEquals(1, server.delivered().size());
    }

    @Test
    void aSessionWithMailAndRcptButNoDataYetGets421AtOnce() throws Exception {
        server = TestServer.start(maildir);
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            c.command("EHLO envelope.example");
            assertTrue(c.command("MAIL FROM:<a@example.org>").startsWith("250"));
            assertTrue(c.command("RCPT TO:<b@example.com>").startsWith("250"));
            CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> server.server.stop(Duration.ofSeconds(20)));
            assertEquals(SHUTTING_DOWN, c.reply());
            assertTrue(c.closedByServer());
            assertTrue(stopped.get(30, TimeUnit.SECONDS));
        }
        assertEquals(List.of(), server.delivered());
    }

    @Test
    void aBdatTransactionBetweenItsChunksIsFinishedThroughItsLastChunk() throws Exception {
        server = TestServer.start(maildir);
        try (SmtpTestClient idle = idleProbe(); SmtpTestClient busy = server.connect()) {
            busy.reply();
            busy.command("EHLO chunks.example");
            assertTrue(busy.command("MAIL FROM:<a@example.org>").startsWith("250"));
            assertTrue(busy.command("RCPT TO:<b@example.com>").startsWith("250"));
            busy.send("BDAT 22\r\nSubject: chunked\r\n\r\nab");
            assertEquals("250 2.0.0 22 octets received", busy.reply());
            CompletableFuture<Boolean> stopped = stopAndAwaitDrain(idle, Duration.ofSeconds(20));

            busy.send("BDAT 3\r\ncde");
            assertEquals("250 2.0.0 25 octets received", busy.reply());
            busy.send("BDAT 5 LAST\r\nfg");
            busy.send("hij");
            assertQueued(busy.reply());
            assertEquals(SHUTTING_DOWN, busy.reply());
            assertTrue(busy.closedByServer());
            assertTrue(stopped.get(30, TimeUnit.SECONDS));
        }
        assertEquals(1, server.delivered().size());
        assertTrue(TestServer.body(server.delivered().get(0)).endsWith("\r\nabcdefghij"));
    }

    @Test
    void aBdatTransactionAbandonedWithRsetDuringTheDrainGets421AfterTheRset() throws Exception {
        server = TestServer.start(maildir);
        try (SmtpTestClient idle = idleProbe(); SmtpTestClient busy = server.connect()) {
            busy.reply();
            busy.command("EHLO chunks.example");
            busy.command("MAIL FROM:<a@example.org>");
            busy.command("RCPT TO:<b@example.com>");
            busy.send("BDAT 4\r\nabcd");
            assertEquals("250 2.0.0 4 octets received", busy.reply());
            CompletableFuture<Boolean> stopped = stopAndAwaitDrain(idle, Duration.ofSeconds(20));

            assertEquals("250 2.0.0 OK", busy.command("RSET"));
            assertEquals(SHUTTING_DOWN, busy.reply());
            assertTrue(busy.closedByServer());
            assertTrue(stopped.get(30, TimeUnit.SECONDS));
        }
        assertEquals(List.of(), server.delivered());
    }

    @Test
    void aMessageBeingStoredIsAnswered250Before421() throws Exception {
        CountDownLatch storing = new CountDownLatch(1);
        CountDownLatch carryOn = new CountDownLatch(1);
        MaildirStore store = new MaildirStore(maildir, MaildirLayout.SHARED);
        server = new TestServer(maildir, SmtpConfig.builder().serverName("mx.test").build(), session -> (tx, content) -> {
            storing.countDown();
            try {
                carryOn.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return store.create(session).onData(tx, content);
        });
        try (SmtpTestClient idle = idleProbe(); SmtpTestClient busy = server.connect()) {
            busy.reply();
            busy.command("EHLO store.example");
            busy.beginData("a@example.org", "b@example.com");
            busy.send("Subject: stored during the drain\r\n\r\nbody\r\n.\r\n");
            assertTrue(storing.await(15, TimeUnit.SECONDS));
            CompletableFuture<Boolean> stopped = stopAndAwaitDrain(idle, Duration.ofSeconds(20));
            carryOn.countDown();

            assertQueued(busy.reply());
            assertEquals(SHUTTING_DOWN, busy.reply());
            assertTrue(stopped.get(30, TimeUnit.SECONDS));
        }
        assertEquals(1, server.delivered().size());
    }

    @Test
    void aMessageInProgressAfterStartTlsIsFinishedToo() throws Exception {
        server = TestServer.start(maildir);
        try (SmtpTestClient idle = idleProbe(); SmtpTestClient busy = server.connect()) {
            busy.reply();
            busy.command("EHLO tls.example");
            assertEquals("220 2.0.0 Ready to start TLS", busy.command("STARTTLS"));
            busy.startTls();
            busy.command("EHLO tls.example");
            busy.beginData("a@example.org", "b@example.com");
            busy.send("Subject: over STARTTLS\r\n\r\nfirst\r\n");
            CompletableFuture<Boolean> stopped = stopAndAwaitDrain(idle, Duration.ofSeconds(20));

            busy.send("second\r\n.\r\n");
            assertQueued(busy.reply());
            assertEquals(SHUTTING_DOWN, busy.reply());
            assertTrue(stopped.get(30, TimeUnit.SECONDS));
        }
        assertTrue(TestServer.body(server.delivered().get(0)).endsWith("first\r\nsecond\r\n"));
    }

    @Test
    void aMessageInProgressOverImplicitTlsIsFinishedToo() throws Exception {
        server = TestServer.start(maildir);
        try (SmtpTestClient idle = idleProbe(); SmtpTestClient busy = SmtpTestClient.implicitTls(server.implicitTlsAddress())) {
            busy.reply();
            busy.command("EHLO smtps.example");
            busy.beginData("a@example.org", "b@example.com");
            busy.send("Subject: over SMTPS\r\n\r\nfirst\r\n");
            CompletableFuture<Boolean> stopped = stopAndAwaitDrain(idle, Duration.ofSeconds(20));

            busy.send("second\r\n.\r\n");
            assertQueued(busy.reply());
            assertEquals(SHUTTING_DOWN, busy.reply());
            assertTrue(stopped.get(30, TimeUnit.SECONDS));
        }
        assertTrue(TestServer.body(server.delivered().get(0)).endsWith("first\r\nsecond\r\n"));
    }

    @Test
    void aDeadlineShorterThanASlowDataCutsItStoresNothingAndLogsWhatWasInFlight() throws Exception {
        server = TestServer.start(maildir);
        byte[] part = ("Subject: cut\r\n\r\n" + "x".repeat(98) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (LogCapture log = new LogCapture("dev.berth.core.Server"); SmtpTestClient slow = server.connect()) {
            slow.reply();
            slow.command("EHLO slow.example");
            slow.beginData("a@example.org", "b@example.com");
            for (int i = 0; i < 1000; i++) {
                slow.send(part); // about 100 KB: past the point where the store starts writing its file
            }
            assertFalse(server.server.stop(Duration.ofMillis(500)), "the deadline cut the message in DATA");
            assertTrue(slow.closedByServer(), "no reply: the connection was cut");
            assertTrue(log.messages(Level.WARN).stream().anyMatch(m ->
                    m.contains("DATA from <a@example.org>: ") && m.contains(" bytes received")), log.messages(Level.WARN).toString());
        }
        awaitEmpty("tmp");
        assertEquals(List.of(), server.delivered(), "nothing reaches new/");
    }

    private static void assertQueued(String reply) {
        assertTrue(reply != null && reply.startsWith("250 2.0.0 OK queued as "), "expected 250 queued, got " + reply);
    }

    /** The store deletes an abandoned message's file on its own thread: wait for that, within bounds. */
    private void awaitEmpty(String sub) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!server.files(sub).isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), server.files(sub), "the half-written file in " + sub + "/ was removed");
    }
}
