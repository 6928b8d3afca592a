package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.berth.core.ListenerConfig;
import dev.berth.core.spi.Drain;
import dev.berth.smtp.internal.FakeConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The session state machine in an {@link EmbeddedChannel}: replies, pausing while a handler runs, timeouts, drain. */
class SmtpSessionHandlerTest {
    private final EmbeddedChannel ch = new EmbeddedChannel(false, false);

    /** Implements every method, so that each is a trip to the blocking executor. */
    private static final class EveryMethod implements SmtpMessageHandler {
        @Override
        public SmtpReply onMailFrom(MailTransaction transaction) {
            return SmtpReply.SENDER_OK;
        }

        @Override
        public SmtpReply onRcptTo(MailTransaction transaction, String recipient) {
            return SmtpReply.RECIPIENT_OK;
        }

        @Override
        public SmtpReply onData(MailTransaction transaction, java.io.InputStream content) throws java.io.IOException {
            content.transferTo(java.io.OutputStream.nullOutputStream());
            return SmtpReply.MESSAGE_ACCEPTED;
        }

        @Override
        public void onDone() {
        }
    }

    private void start(SmtpConfig config) {
        start(config, session -> new EveryMethod());
    }

    private void start(SmtpConfig config, SmtpMessageHandlerFactory factory) {
        FakeConnection connection = new FakeConnection(ch, ListenerConfig.tcp("smtp").build(), pool);
        ch.pipeline().addLast(SmtpSessionHandler.FRAMER, SmtpSessionHandler.newFramer(config));
        ch.pipeline().addLast(SmtpSessionHandler.NAME, new SmtpSessionHandler(config,
                factory, connection,
                (dev.berth.smtp.internal.SmtpFramer) ch.pipeline().get(SmtpSessionHandler.FRAMER), pool,
                new dev.berth.smtp.internal.SmtpMeters(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), "smtp")));
        try {
            ch.register();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void send(String s) {
        ch.writeInbound(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
    }

    /** Everything written so far, after running the tasks the handler queued on the event loop. */
    private String output() {
        for (int i = 0; i < 20; i++) {
            while (!blockingTasks.isEmpty()) {
                blockingTasks.poll().run();
            }
            ch.runPendingTasks();
        }
        StringBuilder b = new StringBuilder();
        ByteBuf out;
        while ((out = ch.readOutbound()) != null) {
            b.append(out.toString(StandardCharsets.UTF_8));
            out.release();
        }
        return b.toString();
    }

    @Test
    void theSessionGreetsAndAnswersCommandsInOrder() {
        start(SmtpConfig.builder().serverName("mx.test").build());
        assertEquals("220 mx.test ESMTP Berth ready\r\n", output());
        send("MAIL FROM:<a@example.org>\r\nHELO c.example\r\nNOOP\r\n");
        assertEquals("503 5.5.1 Bad sequence of commands: send EHLO or HELO first\r\n250 mx.test\r\n250 2.0.0 OK\r\n", output());
    }

    @Test
    void readingPausesWhileAHandlerRunsAndPipelinedCommandsWaitTheirTurn() {
        start(SmtpConfig.builder().serverName("mx.test").build());
        output();
        send("HELO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.com>\r\nNOOP\r\n");
        assertFalse(ch.config().isAutoRead(), "no reading while MAIL is with the handler");
        assertEquals("250 mx.test\r\n250 2.1.0 Sender OK\r\n250 2.1.5 Recipient OK\r\n250 2.0.0 OK\r\n", output());
        assertTrue(ch.config().isAutoRead());
    }

    @Test
    void backpressureEndingWhileAHandlerRunsDoesNotTurnReadingBackOn() {
        start(SmtpConfig.builder().serverName("mx.test").build());
        output();
        send("HELO c.example\r\nMAIL FROM:<a@example.org>\r\n");
        dev.berth.core.spi.ReadPause.pause(ch, "backpressure");
        dev.berth.core.spi.ReadPause.resume(ch, "backpressure");
        assertFalse(ch.config().isAutoRead(), "the session still holds reading off while MAIL is with the handler");
        assertEquals("250 mx.test\r\n250 2.1.0 Sender OK\r\n", output());
        assertTrue(ch.config().isAutoRead());
    }

    @Test
    void anIdleSessionGets421WhenTheCommandTimeoutPasses() {
        start(SmtpConfig.builder().serverName("mx.test").commandTimeout(Duration.ofSeconds(30)).build());
        output();
        ch.advanceTimeBy(29, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertEquals("", output());
        send("NOOP\r\n");
        ch.advanceTimeBy(29, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertEquals("250 2.0.0 OK\r\n", output(), "a command restarts the timer");
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertEquals("421 4.4.2 Timeout, closing connection\r\n", output());
        assertFalse(ch.isOpen());
    }

    @Test
    void aDrainClosesAnIdleSessionWith421() {
        start(SmtpConfig.builder().serverName("mx.test").build());
        output();
        ch.pipeline().fireUserEventTriggered(Drain.EVENT);
        assertEquals("421 4.3.2 Service shutting down, closing connection\r\n", output());
        assertFalse(ch.isOpen());
    }

    @Test
    void whatADrainDeadlineWouldCutIsSaidInSmtpTermsAndNothingWhenIdle() {
        start(SmtpConfig.builder().serverName("mx.test").build());
        output();
        java.util.function.Supplier<String> inFlight = ch.attr(Drain.IN_FLIGHT).get();
        send("HELO c.example\r\nMAIL FROM:<a@example.org>\r\n");
        output();
        send("RCPT TO:<b@example.com>\r\n");
        output();
        assertEquals(null, inFlight.get(), "an envelope without content is not work in flight");
        send("DATA\r\nSubject: hi\r\n\r\n");
        output();
        assertEquals("DATA from <a@example.org>: 15 bytes received", inFlight.get());
        send(".\r\nMAIL FROM:<c@example.org>\r\n");
        output();
        send("RCPT TO:<b@example.com>\r\n");
        output();
        send("BDAT 3\r\nabcBDAT 4 LAST\r\nde");
        output();
        assertEquals("BDAT from <c@example.org>: 2 chunks, 5 bytes received", inFlight.get());
        send("fg");
        output();
        assertEquals(null, inFlight.get());
    }

    @Test
    void theErrorLimitEndsTheSessionAndLaterInputIsIgnored() {
        start(SmtpConfig.builder().serverName("mx.test").maxErrors(2).build());
        output();
        send("X\r\nY\r\nNOOP\r\n");
        assertEquals("500 5.5.1 Command unrecognized\r\n500 5.5.1 Command unrecognized\r\n"
                + "421 4.7.0 Too many errors, closing connection\r\n", output());
        assertFalse(ch.isOpen());
    }

    @Test
    void aHandlerThatOnlyImplementsOnDataCostsOneTripToTheBlockingExecutorPerMessage() {
        start(SmtpConfig.builder().serverName("mx.test").build(), session -> (tx, content) -> {
            content.transferTo(java.io.OutputStream.nullOutputStream());
            return SmtpReply.MESSAGE_ACCEPTED;
        });
        output();
        send("HELO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.com>\r\n");
        assertTrue(blockingTasks.isEmpty(), "the default onMailFrom and onRcptTo are answered on the event loop");
        assertTrue(ch.config().isAutoRead());
        assertEquals("250 mx.test\r\n250 2.1.0 Sender OK\r\n250 2.1.5 Recipient OK\r\n", output());
        send("DATA\r\nSubject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n");
        assertEquals(1, blockingTasks.size(), "onData only; no onDone call for a handler that keeps the default");
        assertEquals("354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Message accepted\r\n221 2.0.0 Bye\r\n",
                output());
    }

    @Test
    void aHandlerThatImplementsEveryMethodIsCalledOffTheEventLoopForEach() {
        start(SmtpConfig.builder().serverName("mx.test").build());
        output();
        send("HELO c.example\r\nMAIL FROM:<a@example.org>\r\n");
        assertEquals(1, blockingTasks.size(), "onMailFrom");
        assertEquals("250 mx.test\r\n250 2.1.0 Sender OK\r\n", output());
        send("RCPT TO:<b@example.com>\r\n");
        assertEquals(1, blockingTasks.size(), "onRcptTo");
        output();
        send("DATA\r\nbody\r\n.\r\n");
        assertEquals(1, blockingTasks.size(), "onData");
        blockingTasks.poll().run();
        ch.runPendingTasks();
        assertEquals(1, blockingTasks.size(), "onDone, after the message");
        assertTrue(output().endsWith("250 2.0.0 Message accepted\r\n"));
    }

    @Test
    void onDataStartsWithTheFirst64KiBOfALargeMessageBeforeTheContentEnds() {
        start(SmtpConfig.builder().serverName("mx.test").build());
        output();
        send("HELO c.example\r\nMAIL FROM:<a@example.org>\r\n");
        output();
        send("RCPT TO:<b@example.com>\r\n");
        output();
        send("DATA\r\n");
        String line = "x".repeat(98) + "\r\n";
        send(line.repeat(100));
        assertTrue(blockingTasks.isEmpty(), "10,000 octets are held back until there is more or the end");
        send(line.repeat(600));
        assertEquals(1, blockingTasks.size(), "70,000 octets: onData starts while the client is still sending");
        send(".\r\n");
        assertTrue(output().endsWith("250 2.0.0 Message accepted\r\n"));
    }

    @Test
    void startTlsIsRefusedWhenTheListenerHasNoTls() {
        start(SmtpConfig.builder().serverName("mx.test").build());
        output();
        send("EHLO c.example\r\n");
        assertFalse(output().contains("STARTTLS"));
        send("STARTTLS\r\n");
        assertEquals("502 5.5.1 STARTTLS not available\r\n", output());
    }

    /** A handler with a bug: the named method returns null instead of a reply. */
    private static final class ReturnsNull implements SmtpMessageHandler {
        private final String method;

        ReturnsNull(String method) {
            this.method = method;
        }

        @Override
        public SmtpReply onMailFrom(MailTransaction transaction) {
            return method.equals("onMailFrom") ? null : SmtpReply.SENDER_OK;
        }

        @Override
        public SmtpReply onRcptTo(MailTransaction transaction, String recipient) {
            return method.equals("onRcptTo") && recipient.startsWith("null") ? null : SmtpReply.RECIPIENT_OK;
        }

        @Override
        public SmtpReply onData(MailTransaction transaction, java.io.InputStream content) throws java.io.IOException {
            content.transferTo(java.io.OutputStream.nullOutputStream());
            return method.equals("onData") ? null : SmtpReply.MESSAGE_ACCEPTED;
        }
    }

    private static final String HANDLER_CALLS = "dev.berth.smtp.internal.HandlerCalls";

    @Test
    void aNullFromOnMailFromIsABugAnswered451AndLoggedWithTheHandlersClassAndTheMethod() {
        start(SmtpConfig.builder().serverName("mx.test").build(), session -> new ReturnsNull("onMailFrom"));
        output();
        try (LogCapture log = new LogCapture(HANDLER_CALLS)) {
            send("HELO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.com>\r\n");
            assertEquals("250 mx.test\r\n451 4.3.0 Local error in processing, try again later\r\n"
                    + "503 5.5.1 Bad sequence of commands: need MAIL first\r\n", output(), "no transaction was started");
            assertEquals(List.of(ReturnsNull.class.getName() + ".onMailFrom returned null for /192.0.2.7:40000,"
                    + " but must return an SmtpReply: the client gets 451 4.3.0"), log.messages(Level.WARN));
        }
    }

    @Test
    void aNullFromOnRcptToAddsNoRecipient() {
        start(SmtpConfig.builder().serverName("mx.test").build(), session -> new ReturnsNull("onRcptTo"));
        output();
        try (LogCapture log = new LogCapture(HANDLER_CALLS)) {
            send("HELO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<null@example.com>\r\nDATA\r\n");
            assertEquals("250 mx.test\r\n250 2.1.0 Sender OK\r\n451 4.3.0 Local error in processing, try again later\r\n"
                    + "554 5.5.1 No valid recipients\r\n", output());
            assertEquals(1, log.messages(Level.WARN).size());
        }
    }

    @Test
    void aNullFromOnDataNeverAcceptsTheMessage() {
        start(SmtpConfig.builder().serverName("mx.test").build(), session -> new ReturnsNull("onData"));
        output();
        try (LogCapture log = new LogCapture(HANDLER_CALLS)) {
            send("HELO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.com>\r\n");
            output();
            send("DATA\r\nSubject: hi\r\n\r\nbody\r\n.\r\nNOOP\r\n");
            assertEquals("354 End data with <CR><LF>.<CR><LF>\r\n451 4.3.0 Local error in processing, try again later\r\n"
                    + "250 2.0.0 OK\r\n", output());
            assertTrue(log.messages(Level.WARN).get(0).contains(".onData returned null"));
        }
    }

    private final java.util.ArrayDeque<Runnable> blockingTasks = new java.util.ArrayDeque<>();

    /** Holds tasks until {@link #output()} runs them, as a pool thread would, but on the test's thread. */
    private final ExecutorService pool = new AbstractExecutorService() {
        @Override
        public void execute(Runnable command) {
            blockingTasks.add(command);
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    };
}
