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

/**
 * A {@link SmtpMessageHandler.NonBlocking} handler: every call on the event loop, in the documented order,
 * except {@code onData} for a message too large to be held whole, which streams to it on the blocking executor;
 * refusals, exceptions and oversized messages answered as for any handler.
 */
class SmtpNonBlockingHandlerTest {
    private static final int SIZE_LIMIT = 200_000;
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

    private static String where() {
        return Thread.currentThread().getName().startsWith("berth-io") ? "loop" : "pool";
    }

    private final class Recording implements SmtpMessageHandler.NonBlocking {
        @Override
        public SmtpReply onMailFrom(MailTransaction tx) {
            calls.add("mail " + tx.reversePath() + " on " + where());
            return tx.reversePath().startsWith("spammer") ? SmtpReply.of(550, "5.7.1", "No thanks") : SmtpReply.SENDER_OK;
        }

        @Override
        public SmtpReply onRcptTo(MailTransaction tx, String recipient) {
            calls.add("rcpt " + recipient + " on " + where());
            return recipient.startsWith("nobody") ? SmtpReply.of(550, "5.1.1", "No such user here") : SmtpReply.RECIPIENT_OK;
        }

        @Override
        public SmtpReply onData(MailTransaction tx, InputStream content) throws IOException {
            String where = where();
            byte[] bytes;
            try {
                bytes = content.readAllBytes();
            } catch (IOException refused) {
                calls.add("data refused on " + where);
                throw refused;
            }
            String text = new String(bytes, StandardCharsets.US_ASCII);
            calls.add("data " + bytes.length + " on " + where);
            if (text.contains("throw")) {
                throw new IllegalStateException("a bug in the handler");
            }
            return text.contains("virus") ? SmtpReply.of(554, "5.7.1", "Rejected by content filter")
                    : SmtpReply.of(250, "2.0.0", "Taken " + bytes.length);
        }

        @Override
        public void onDone() {
            calls.add("done on " + where());
        }
    }

    @Test
    void everyCallRunsOnTheEventLoopInOrderAndALargeMessageStreamsOnThePool() throws IOException {
        server = new TestServer(maildir, SmtpConfig.builder().serverName("mx.test").maxMessageSize(SIZE_LIMIT)
                .build(), session -> new Recording());
        String big = ("x".repeat(998) + "\r\n").repeat(100); // 100,000 octets: more than is held before onData
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            c.command("EHLO client.example");
            assertEquals("550 5.7.1 No thanks", c.command("MAIL FROM:<spammer@example.org>"));
            assertEquals("250 2.1.0 Sender OK", c.command("MAIL FROM:<alice@example.org>"));
            assertEquals("550 5.1.1 No such user here", c.command("RCPT TO:<nobody@example.com>"));
            assertEquals("250 2.1.5 Recipient OK", c.command("RCPT TO:<bob@example.com>"));
            c.command("DATA");
            assertEquals("250 2.0.0 Taken 22", c.command("Subject: hi\r\n\r\nhello\r\n."));
            c.beginData("carol@example.org", "bob@example.com");
            assertEquals("554 5.7.1 Rejected by content filter", c.command("a virus\r\n."));
            c.beginData("dave@example.org", "bob@example.com");
            c.send(big);
            assertEquals("250 2.0.0 Taken " + big.length(), c.command("."));
            c.beginData("erin@example.org", "bob@example.com");
            assertEquals("451 4.3.0 Local error in processing, try again later", c.command("throw\r\n."));
            assertEquals("250 2.0.0 OK", c.command("NOOP"), "the session goes on after the handler's exception");
            c.beginData("fred@example.org", "bob@example.com");
            String tooBig = ("y".repeat(998) + "\r\n").repeat(250);
            c.send(tooBig);
            assertTrue(c.command(".").startsWith("552 "), "over the size limit: refused, and the handler read failed");
            c.command("QUIT");
        }
        for (int i = 0; i < 200 && calls.size() < 23; i++) {
            sleep();
        }
        assertEquals(List.of(
                "mail spammer@example.org on loop", "done on loop",
                "mail alice@example.org on loop", "rcpt nobody@example.com on loop", "rcpt bob@example.com on loop",
                "data 22 on loop", "done on loop",
                "mail carol@example.org on loop", "rcpt bob@example.com on loop", "data 9 on loop", "done on loop",
                "mail dave@example.org on loop", "rcpt bob@example.com on loop", "data 100000 on pool", "done",
                "mail erin@example.org on loop", "rcpt bob@example.com on loop", "data 7 on loop", "done on loop",
                "mail fred@example.org on loop", "rcpt bob@example.com on loop", "data refused on pool", "done"),
                doneWhereverItRan(calls));
    }

    @Test
    void afterAMessageAnsweredOnTheLoopAnIdleSessionGetsTheCommandTimeoutNotTheDataTimeout() throws IOException {
        server = new TestServer(maildir, SmtpConfig.builder().serverName("mx.test")
                .commandTimeout(java.time.Duration.ofSeconds(1)).dataTimeout(java.time.Duration.ofMinutes(5)).build(),
                session -> new Recording());
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            c.command("EHLO client.example");
            c.beginData("alice@example.org", "bob@example.com");
            assertEquals("250 2.0.0 Taken 7", c.command("hello\r\n."));
            long t = System.nanoTime();
            assertEquals("421 4.4.2 Timeout, closing connection", c.reply(), "the 1 s command timeout, not the 5 min one");
            assertTrue(System.nanoTime() - t < java.util.concurrent.TimeUnit.SECONDS.toNanos(10));
        }
    }

    @Test
    void aCallAfterOneStillOnThePoolWaitsForItSoCallsNeverOverlap() throws Exception {
        java.util.concurrent.atomic.AtomicInteger inCall = new java.util.concurrent.atomic.AtomicInteger();
        List<String> overlaps = new CopyOnWriteArrayList<>();
        SmtpMessageHandler.NonBlocking shared = new SmtpMessageHandler.NonBlocking() {
            private void enter(String what) {
                if (inCall.incrementAndGet() != 1) {
                    overlaps.add(what);
                }
            }

            @Override
            public SmtpReply onMailFrom(MailTransaction tx) {
                enter("mail");
                inCall.decrementAndGet();
                return SmtpReply.SENDER_OK;
            }

            @Override
            public SmtpReply onData(MailTransaction tx, InputStream content) throws IOException {
                enter("data");
                try {
                    content.transferTo(java.io.OutputStream.nullOutputStream());
                    return SmtpReply.MESSAGE_ACCEPTED;
                } finally {
                    inCall.decrementAndGet();
                }
            }

            @Override
            public void onDone() {
                enter("done");
                if (where().equals("pool")) {
                    for (int i = 0; i < 12; i++) {
                        sleep(); // an onDone still running on the pool when the next MAIL comes
                    }
                }
                inCall.decrementAndGet();
            }
        };
        server = new TestServer(maildir, SmtpConfig.defaults(), session -> shared);
        String chunk = ("x".repeat(998) + "\r\n").repeat(100); // over 64 KiB: onData waits on the pool
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            c.command("EHLO client.example");
            for (int i = 0; i < 3; i++) {
                assertTrue(c.command("MAIL FROM:<alice@example.org>").startsWith("250 "));
                assertTrue(c.command("RCPT TO:<bob@example.com>").startsWith("250 "));
                c.send("BDAT " + chunk.length() + "\r\n" + chunk);
                assertTrue(c.reply().startsWith("250 "), "the first chunk");
                // RSET ends the transaction while onData still runs on the pool: its onDone queues there,
                // and the next MAIL's onMailFrom must wait behind it
                assertTrue(c.command("RSET").startsWith("250 "));
            }
            assertTrue(c.command("MAIL FROM:<alice@example.org>").startsWith("250 "));
            c.command("QUIT");
        }
        assertEquals(List.of(), overlaps, "calls of one session never overlap");
    }

    /**
     * The calls with each {@code onDone} after an {@code onData} on the pool written as plain "done": it runs on
     * the event loop when that call has left the pool by then, on the pool behind it otherwise; in order either way.
     */
    private static List<String> doneWhereverItRan(List<String> calls) {
        List<String> out = new java.util.ArrayList<>(calls);
        for (int i = 1; i < out.size(); i++) {
            if (out.get(i).startsWith("done on ") && out.get(i - 1).endsWith("on pool")) {
                out.set(i, "done");
            }
        }
        return out;
    }

    private static void sleep() {
        try {
            Thread.sleep(25);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
