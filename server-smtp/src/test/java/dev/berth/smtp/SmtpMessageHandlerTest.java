package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The delivery SPI: call order, typed refusals, streamed content, and no handler work on an event loop. */
class SmtpMessageHandlerTest {
    @TempDir
    Path maildir;
    TestServer server;
    final List<String> calls = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private final class Recording implements SmtpMessageHandler {
        @Override
        public SmtpReply onMailFrom(MailTransaction tx) {
            calls.add("mail " + tx.reversePath() + " helo=" + tx.session().heloName().orElse("-")
                    + " on " + (Thread.currentThread().getName().startsWith("berth-io") ? "event loop" : "pool"));
            return tx.reversePath().startsWith("spammer") ? SmtpReply.of(550, "5.7.1", "No thanks") : SmtpReply.SENDER_OK;
        }

        @Override
        public SmtpReply onRcptTo(MailTransaction tx, String recipient) {
            calls.add("rcpt " + recipient + " after " + tx.recipients());
            return recipient.startsWith("nobody") ? SmtpReply.of(550, "5.1.1", "No such user here") : SmtpReply.RECIPIENT_OK;
        }

        @Override
        public SmtpReply onData(MailTransaction tx, InputStream content) throws IOException {
            String text = new String(content.readAllBytes(), StandardCharsets.UTF_8);
            calls.add("data " + text.length() + " octets to " + tx.recipients());
            return text.contains("virus") ? SmtpReply.of(554, "5.7.1", "Rejected by content filter")
                    : SmtpReply.of(250, "2.0.0", "Taken " + tx.id());
        }

        @Override
        public void onDone() {
            calls.add("done");
        }
    }

    @Test
    void theHandlerIsCalledInTheDocumentedOrderOffTheEventLoopAndItsRepliesReachTheClient() throws IOException {
        server = new TestServer(maildir, SmtpConfig.defaults(), session -> new Recording());
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            c.command("EHLO client.example");
            assertEquals("550 5.7.1 No thanks", c.command("MAIL FROM:<spammer@example.org>"));
            assertEquals("250 2.1.0 Sender OK", c.command("MAIL FROM:<alice@example.org>"));
            assertEquals("550 5.1.1 No such user here", c.command("RCPT TO:<nobody@example.com>"));
            assertEquals("250 2.1.5 Recipient OK", c.command("RCPT TO:<bob@example.com>"));
            c.command("DATA");
            assertTrue(c.command("Subject: hi\r\n\r\nhello\r\n.").startsWith("250 2.0.0 Taken "));
            c.beginData("carol@example.org", "bob@example.com");
            assertEquals("554 5.7.1 Rejected by content filter", c.command("a virus\r\n."));
            c.command("MAIL FROM:<dave@example.org>");
            assertEquals("250 2.0.0 OK", c.command("RSET"));
            c.command("QUIT");
        }
        waitForCalls(13);
        assertEquals(List.of(
                "mail spammer@example.org helo=client.example on pool", "done",
                "mail alice@example.org helo=client.example on pool",
                "rcpt nobody@example.com after []", "rcpt bob@example.com after []",
                "data 22 octets to [bob@example.com]", "done",
                "mail carol@example.org helo=client.example on pool", "rcpt bob@example.com after []",
                "data 9 octets to [bob@example.com]", "done",
                "mail dave@example.org helo=client.example on pool", "done"), calls);
    }

    @Test
    void aHandlerThatThrowsGivesTheClientATemporaryFailure() throws IOException {
        server = new TestServer(maildir, SmtpConfig.defaults(), session -> (tx, content) -> {
            throw new IOException("disk on fire");
        });
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            c.command("EHLO client.example");
            c.beginData("a@example.org", "b@example.com");
            assertEquals("451 4.3.0 Local error in processing, try again later", c.command("x\r\n."));
            assertEquals("250 2.0.0 OK", c.command("NOOP"));
        }
    }

    @Test
    void aLargeMessageIsStreamedToTheHandlerInPieces() throws IOException {
        List<Integer> reads = new CopyOnWriteArrayList<>();
        server = new TestServer(maildir, SmtpConfig.defaults(), session -> (tx, content) -> {
            byte[] buf = new byte[8192];
            long total = 0;
            int n;
            while ((n = content.read(buf)) >= 0) {
                total += n;
                reads.add(n);
            }
            return SmtpReply.of(250, "2.0.0", total + " octets");
        });
        String line = "x".repeat(998) + "\r\n";
        int lines = 5000; // about 5 MB, more than the stream's queue holds: the reader must keep up
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            c.command("EHLO client.example");
            c.beginData("a@example.org", "b@example.com");
            byte[] chunk = line.repeat(100).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < lines / 100; i++) {
                c.send(chunk);
            }
            assertEquals("250 2.0.0 " + (long) lines * line.length() + " octets", c.command("."));
        }
        assertTrue(reads.size() > 100, "read in many pieces, not as one array: " + reads.size());
    }

    private void waitForCalls(int n) {
        for (int i = 0; i < 200 && calls.size() < n; i++) {
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void aHandlerThatNeverAnswersGets451AfterTheHandlerTimeoutAndTheSessionGoesOn() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        SmtpMessageHandler stuck = new SmtpMessageHandler() {
            @Override
            public SmtpReply onMailFrom(MailTransaction tx) {
                if (tx.reversePath().startsWith("stuck")) {
                    await(release);
                }
                return SmtpReply.SENDER_OK;
            }

            @Override
            public SmtpReply onData(MailTransaction tx, InputStream content) throws IOException {
                content.readAllBytes();
                await(release);
                return SmtpReply.MESSAGE_ACCEPTED;
            }
        };
        server = new TestServer(maildir, SmtpConfig.builder().handlerTimeout(java.time.Duration.ofMillis(500)).build(),
                session -> stuck);
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            c.command("EHLO client.example");
            assertEquals("451 4.3.0 Local error in processing: the handler timed out", c.command("MAIL FROM:<stuck@example.org>"));
            assertEquals("503 5.5.1 Bad sequence of commands: need MAIL first", c.command("RCPT TO:<b@example.com>"),
                    "the transaction was ended");
            c.beginData("a@example.org", "b@example.com");
            assertEquals("451 4.3.0 Local error in processing: the handler timed out", c.command("Subject: x\r\n\r\nhi\r\n."));
            assertEquals("250 2.0.0 OK", c.command("NOOP"));
        } finally {
            release.countDown();
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60) // without the defence the client's writes would block for good
    void aHandlerThatStopsReadingMidMessageGets451AfterTheHandlerTimeout() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        server = new TestServer(maildir, SmtpConfig.builder().handlerTimeout(java.time.Duration.ofMillis(500)).build(),
                session -> new SmtpMessageHandler() {
                    @Override
                    public SmtpReply onData(MailTransaction tx, InputStream content) {
                        await(release); // reads nothing
                        return SmtpReply.MESSAGE_ACCEPTED;
                    }
                });
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            c.command("EHLO client.example");
            c.beginData("a@example.org", "b@example.com");
            String line = "z".repeat(998) + "\r\n";
            for (int i = 0; i < 1000; i++) { // 1 MB, well past what the stream queues before pausing
                c.send(line);
            }
            assertEquals("451 4.3.0 Local error in processing: the handler timed out", c.command("."));
            assertEquals("250 2.0.0 OK", c.command("NOOP"));
        } finally {
            release.countDown();
        }
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
