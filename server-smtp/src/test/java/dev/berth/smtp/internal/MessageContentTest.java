package dev.berth.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.berth.smtp.SmtpConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** DATA and BDAT content on a session in an EmbeddedChannel: the clock while it flows, chunks that cannot be taken. */
class MessageContentTest {
    private final RecordingHandler handler = new RecordingHandler();
    private final SessionFixture f = new SessionFixture(SmtpConfig.builder().commandTimeout(Duration.ofSeconds(30))
            .dataTimeout(Duration.ofSeconds(120)).build(), session -> handler).greeted();

    private void withRecipient() {
        f.run(new MailCommand(), "FROM:<alice@example.org>").runHandlerCalls();
        f.run(new RcptCommand(), "TO:<bob@example.com>").runHandlerCalls().replies();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void theDataTimeoutRatherThanTheCommandTimeoutAppliesWhileContentFlows() {
        withRecipient();
        f.run(new DataCommand(), "");
        assertEquals("354 End data with <CR><LF>.<CR><LF>\r\n", f.replies());
        f.advance(119, TimeUnit.SECONDS);
        assertEquals("", f.replies(), "past the command timeout, within the data timeout");
        f.advance(1, TimeUnit.SECONDS);
        assertEquals("421 4.4.2 Timeout, closing connection\r\n", f.replies());
    }

    @Test
    void theCommandTimeoutAppliesAgainOnceTheMessageIsAnswered() {
        withRecipient();
        f.run(new DataCommand(), "").replies();
        f.session.content().add(ascii("hello\r\n"));
        f.session.content().end(null);
        assertEquals("250 2.0.0 Message accepted\r\n", f.runHandlerCalls().replies());
        f.advance(30, TimeUnit.SECONDS);
        assertEquals("421 4.4.2 Timeout, closing connection\r\n", f.replies());
    }

    @Test
    void aChunkWithoutMailIsReadToItsEndThenRefusedAndNoHandlerSeesIt() {
        f.run(new BdatCommand(), "5 LAST");
        f.session.content().add(ascii("hello"));
        assertEquals("", f.replies(), "the chunk is read before the answer");
        f.session.content().end(null);
        assertEquals("503 5.5.1 Bad sequence of commands: need MAIL first\r\n", f.runHandlerCalls().replies());
        assertEquals(List.of(), handler.calls);
        assertFalse(f.session.content().active());
    }

    @Test
    void chunksBeforeTheLastAreCountedAndTheLastOneGoesToTheHandler() {
        withRecipient();
        f.run(new BdatCommand(), "7");
        f.session.content().add(ascii("Hello, "));
        f.session.content().end(null);
        assertEquals("250 2.0.0 7 octets received\r\n", f.replies());
        f.run(new BdatCommand(), "6 LAST");
        f.session.content().add(ascii("world!"));
        f.session.content().end(null);
        assertEquals("250 2.0.0 Message accepted\r\n", f.runHandlerCalls().replies());
        assertEquals(List.of("mail alice@example.org", "rcpt bob@example.com after []", "data 13 octets", "done"),
                handler.calls);
    }
}
