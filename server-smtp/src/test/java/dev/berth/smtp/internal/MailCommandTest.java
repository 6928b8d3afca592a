package dev.berth.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.smtp.SmtpConfig;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** MAIL alone, on a session in an EmbeddedChannel. */
class MailCommandTest {
    private final RecordingHandler handler = new RecordingHandler();
    private final AtomicInteger handlersMade = new AtomicInteger();
    private final SessionFixture f = new SessionFixture(SmtpConfig.builder().serverName("mx.test").build(), session -> {
        handlersMade.incrementAndGet();
        return handler;
    });

    @Test
    void mailStartsATransactionWhileTheHandlerDecidesAndReadingWaitsForIt() {
        f.greeted().run(new MailCommand(), "FROM:<alice@example.org> SIZE=100");
        assertTrue(f.session.transaction().open());
        assertEquals("alice@example.org", f.session.transaction().get().reversePath());
        assertEquals(100, f.session.transaction().get().declaredSize().getAsLong());
        assertFalse(f.reading(), "nothing is read while onMailFrom runs");
        assertEquals("", f.replies());
        assertEquals("250 2.1.0 Sender OK\r\n", f.runHandlerCalls().replies());
        assertTrue(f.reading());
    }

    @Test
    void aSenderTheHandlerRefusesEndsTheTransactionAndReachesOnDone() {
        f.greeted().run(new MailCommand(), "FROM:<refused@example.org>");
        assertEquals("550 5.7.1 No thanks\r\n", f.runHandlerCalls().replies());
        assertFalse(f.session.transaction().open());
        assertEquals(List.of("mail refused@example.org", "done"), handler.calls);
    }

    @Test
    void mailInsideATransactionIsRefusedAsNestedAndMakesNoSecondHandler() {
        f.greeted().run(new MailCommand(), "FROM:<alice@example.org>").runHandlerCalls().replies();
        f.run(new MailCommand(), "FROM:<bob@example.org>");
        assertEquals("503 5.5.1 Bad sequence of commands: nested MAIL\r\n", f.replies());
        assertEquals(1, handlersMade.get());
        assertEquals("alice@example.org", f.session.transaction().get().reversePath());
    }

    @Test
    void aSyntaxErrorAndABadAddressGetTheirOwnEnhancedCodes() {
        f.greeted().run(new MailCommand(), "TO:<alice@example.org>").run(new MailCommand(), "FROM:<alice@@example.org>");
        String replies = f.replies();
        assertTrue(replies.startsWith("501 5.5.4 Syntax: MAIL FROM:<address>\r\n501 5.1.7 Bad sender address: "), replies);
        assertEquals(0, handlersMade.get());
    }

    @Test
    void mailBeforeAGreetingIsRefusedWithoutAskingTheHandler() {
        f.run(new MailCommand(), "FROM:<alice@example.org>");
        assertEquals("503 5.5.1 Bad sequence of commands: send EHLO or HELO first\r\n", f.replies());
        assertEquals(0, handlersMade.get());
    }
}
