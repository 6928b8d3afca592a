package dev.berth.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.smtp.SmtpConfig;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** RCPT alone, on a session in an EmbeddedChannel with a transaction already started. */
class RcptCommandTest {
    private final RecordingHandler handler = new RecordingHandler();

    private SessionFixture inTransaction(SmtpConfig config) {
        SessionFixture f = new SessionFixture(config, session -> handler).greeted();
        f.run(new MailCommand(), "FROM:<alice@example.org>").runHandlerCalls().replies();
        return f;
    }

    @Test
    void aRecipientJoinsTheTransactionOnlyOnceTheHandlerHasAcceptedIt() {
        SessionFixture f = inTransaction(SmtpConfig.builder().build());
        f.run(new RcptCommand(), "TO:<bob@example.com>");
        assertEquals(List.of(), f.session.transaction().get().recipients(), "not while onRcptTo decides");
        assertEquals("250 2.1.5 Recipient OK\r\n", f.runHandlerCalls().replies());
        f.run(new RcptCommand(), "TO:<nobody@example.com>");
        assertEquals("550 5.1.1 No such user here\r\n", f.runHandlerCalls().replies());
        assertEquals(List.of("bob@example.com"), f.session.transaction().get().recipients());
    }

    @Test
    void theRecipientLimitAnswers452WithoutCountingAsAClientMistake() {
        SessionFixture f = inTransaction(SmtpConfig.builder().maxRecipients(1).maxErrors(2).build());
        f.run(new RcptCommand(), "TO:<bob@example.com>").runHandlerCalls().replies();
        f.run(new RcptCommand(), "TO:<carol@example.com>").run(new RcptCommand(), "TO:<dave@example.com>");
        assertEquals("452 4.5.3 Too many recipients\r\n452 4.5.3 Too many recipients\r\n", f.replies());
        assertTrue(f.channel.isOpen(), "two errors would have ended the session");
        assertEquals(List.of("mail alice@example.org", "rcpt bob@example.com after []"), handler.calls);
    }

    @Test
    void aRecipientInADomainNotAcceptedHereIsRefusedWithoutAskingTheHandler() {
        SessionFixture f = inTransaction(SmtpConfig.builder().acceptedDomains(Set.of("example.com")).build());
        f.run(new RcptCommand(), "TO:<bob@example.net>");
        assertEquals("550 5.1.1 Recipient domain example.net is not accepted here\r\n", f.replies());
        assertTrue(f.blocking.isEmpty());
        assertEquals(List.of("mail alice@example.org"), handler.calls);
    }

    @Test
    void rcptWithoutMailIsABadSequence() {
        SessionFixture f = new SessionFixture(SmtpConfig.builder().build(), session -> handler).greeted();
        f.run(new RcptCommand(), "TO:<bob@example.com>");
        assertEquals("503 5.5.1 Bad sequence of commands: need MAIL first\r\n", f.replies());
    }
}
