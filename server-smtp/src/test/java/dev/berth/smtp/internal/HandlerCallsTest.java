package dev.berth.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.smtp.SmtpConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Calls into the message handler: off the loop and in order, the handler timeout, what becomes of a late reply. */
class HandlerCallsTest {
    private final RecordingHandler handler = new RecordingHandler();
    private final SessionFixture f = new SessionFixture(
            SmtpConfig.builder().handlerTimeout(Duration.ofSeconds(10)).build(), session -> handler).greeted();

    @Test
    void aCallSlowerThanTheHandlerTimeoutIsAnswered451AndEndsTheTransaction() {
        f.run(new MailCommand(), "FROM:<alice@example.org>");
        f.advance(9, TimeUnit.SECONDS);
        assertEquals("", f.replies());
        assertFalse(f.reading());
        f.advance(1, TimeUnit.SECONDS);
        assertEquals("451 4.3.0 Local error in processing: the handler timed out\r\n", f.replies());
        assertFalse(f.session.transaction().open());
        assertTrue(f.reading(), "the session goes on");
    }

    @Test
    void laterCallsDoNotQueueBehindAStuckCallButItsOwnOnDoneDoes() {
        f.run(new MailCommand(), "FROM:<stuck@example.org>").advance(10, TimeUnit.SECONDS).replies();
        Runnable stuck = f.blocking.poll(); // the pool thread still inside onMailFrom
        f.run(new MailCommand(), "FROM:<alice@example.org>");
        assertEquals("250 2.1.0 Sender OK\r\n", f.runHandlerCalls().replies(), "answered while the stuck call goes on");
        assertEquals(List.of("mail alice@example.org"), handler.calls);
        stuck.run();
        assertEquals(List.of("mail alice@example.org", "mail stuck@example.org", "done"), handler.calls,
                "the stuck transaction's onDone came after its onMailFrom");
        assertEquals("", f.replies(), "the late reply is not written");
        assertEquals("alice@example.org", f.session.transaction().get().reversePath(), "nor does it touch the new transaction");
    }

    @Test
    void aCallThatThrowsIsAnswered451() {
        f.session.calls().call(handler, "onMailFrom", true, () -> {
            throw new IllegalStateException("a bug in the handler");
        }, f.session::reply);
        assertEquals("451 4.3.0 Local error in processing, try again later\r\n", f.runHandlerCalls().replies());
    }
}
