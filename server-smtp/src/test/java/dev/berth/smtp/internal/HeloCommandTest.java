package dev.berth.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.tls.TlsMode;
import dev.berth.smtp.SmtpConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HELO and EHLO alone, on a session in an EmbeddedChannel. */
class HeloCommandTest {
    private final SmtpConfig config = SmtpConfig.builder().serverName("mx.test").maxMessageSize(1000).build();

    @Test
    void ehloListsTheExtensionsAndOffersStartTlsOnAStartTlsListener() {
        SessionFixture f = new SessionFixture(config, session -> new RecordingHandler(), TlsMode.STARTTLS);
        f.run(new HeloCommand(true), "client.example");
        assertEquals("250-mx.test greets client.example\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250-8BITMIME\r\n"
                + "250-ENHANCEDSTATUSCODES\r\n250-SMTPUTF8\r\n250-CHUNKING\r\n250-STARTTLS\r\n250 HELP\r\n", f.replies());
        assertEquals("client.example", f.session.state().heloName().orElseThrow());
        assertTrue(f.session.state().extended());
    }

    @Test
    void ehloOffersNeitherStartTlsNorAuthOnAPlainListenerWithoutUsers() {
        SessionFixture f = new SessionFixture(config, session -> new RecordingHandler());
        f.run(new HeloCommand(true), "client.example");
        String reply = f.replies();
        assertFalse(reply.contains("STARTTLS"), reply);
        assertFalse(reply.contains("AUTH"), reply);
    }

    @Test
    void heloAnswersWithTheServerNameOnlyAndIsNotExtended() {
        SessionFixture f = new SessionFixture(config, session -> new RecordingHandler());
        f.run(new HeloCommand(false), "client.example");
        assertEquals("250 mx.test\r\n", f.replies());
        assertFalse(f.session.state().extended());
    }

    @Test
    void aNewGreetingEndsTheTransactionInProgress() {
        RecordingHandler handler = new RecordingHandler();
        SessionFixture f = new SessionFixture(config, session -> handler).greeted();
        f.run(new MailCommand(), "FROM:<alice@example.org>").runHandlerCalls().replies();
        f.run(new HeloCommand(true), "again.example").runHandlerCalls();
        assertFalse(f.session.transaction().open());
        assertEquals(List.of("mail alice@example.org", "done"), handler.calls);
    }

    @Test
    void aGreetingWithoutOneNameIsASyntaxError() {
        SessionFixture f = new SessionFixture(config, session -> new RecordingHandler());
        f.run(new HeloCommand(true), "").run(new HeloCommand(false), "two names");
        assertEquals("501 5.5.4 Syntax: EHLO hostname\r\n501 5.5.4 Syntax: HELO hostname\r\n", f.replies());
        assertTrue(f.session.state().heloName().isEmpty());
    }
}
