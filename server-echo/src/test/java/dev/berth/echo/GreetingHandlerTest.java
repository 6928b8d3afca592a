package dev.berth.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.PipelineNames;
import dev.berth.core.spi.Drain;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GreetingHandlerTest {
    private static final Instant NOW = Instant.parse("2026-11-26T01:52:03.456Z");
    private static final GreetingSettings SETTINGS = GreetingSettings.defaults()
            .withClock(Clock.fixed(NOW, ZoneOffset.UTC)).withMaxMessage(16).withTimeout(Duration.ofSeconds(5));
    private static final String GREETING = "Hello! The time is 2026-11-26T01:52:03Z\r\n";

    @Test
    void onConnectTheServerTellsTheTimeInIso8601WithItsOffset() {
        EmbeddedChannel ch = greeting(SETTINGS);
        assertEquals(GREETING, read(ch));
        ch.finishAndReleaseAll();
    }

    @Test
    void theTimeIsToldInTheConfiguredZoneAndFormat() {
        EmbeddedChannel ch = greeting(SETTINGS.withClock(Clock.fixed(NOW, ZoneId.of("Europe/Paris"))));
        assertEquals("Hello! The time is 2026-11-26T02:52:03+01:00\r\n", read(ch));
        ch.finishAndReleaseAll();
        ch = greeting(SETTINGS.withFormat("yyyy-MM-dd HH:mm"));
        assertEquals("Hello! The time is 2026-11-26 01:52\r\n", read(ch));
        ch.finishAndReleaseAll();
    }

    @Test
    void theFirstLineEndedByCrlfIsRepeatedBackAndTheConnectionCloses() {
        EmbeddedChannel ch = greeting(SETTINGS);
        read(ch);
        ch.writeInbound(text("hi there\r\nsecond line\r\n"));
        assertEquals("You have sent: [hi there]\r\n", read(ch));
        assertNull(ch.readOutbound(), "only the first message is answered");
        assertFalse(ch.isOpen());
    }

    @Test
    void aLineEndedByABareLfIsAcceptedAndMayArriveInPieces() {
        EmbeddedChannel ch = greeting(SETTINGS);
        read(ch);
        ch.writeInbound(text("in "));
        ch.writeInbound(text("pieces"));
        assertNull(ch.readOutbound());
        ch.writeInbound(text("\n"));
        assertEquals("You have sent: [in pieces]\r\n", read(ch));
        assertFalse(ch.isOpen());
    }

    @Test
    void aMessageWithoutALineEndIsAnsweredWhenTheClientEndsItsSide() {
        EmbeddedChannel ch = greeting(SETTINGS);
        read(ch);
        ch.writeInbound(text("no line end"));
        assertNull(ch.readOutbound());
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertEquals("You have sent: [no line end]\r\n", read(ch));
        assertNull(ch.readOutbound());
        assertFalse(ch.isOpen());
    }

    @Test
    void aClientThatEndsItsSideWithoutAMessageIsToldSoAndClosed() {
        EmbeddedChannel ch = greeting(SETTINGS);
        read(ch);
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertEquals("Goodbye: you sent no message.\r\n", read(ch));
        assertFalse(ch.isOpen());
    }

    @Test
    void theMessageComesBackByteForByteWithoutAssumingACharset() {
        EmbeddedChannel ch = greeting(SETTINGS);
        read(ch);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'[', (byte) 0xff, (byte) 0xc3, ']', '\n'}));
        ByteBuf answer = ch.readOutbound();
        byte[] bytes = new byte[answer.readableBytes()];
        answer.readBytes(bytes).release();
        assertEquals("You have sent: [[\u00ff\u00c3]]\r\n", new String(bytes, StandardCharsets.ISO_8859_1));
    }

    @Test
    void aMessageOverTheLimitGetsOneErrorLineAndTheConnectionCloses() {
        EmbeddedChannel ch = greeting(SETTINGS);
        read(ch);
        ch.writeInbound(text("seventeen bytes!!"));
        assertEquals("Your message is longer than 16 bytes.\r\n", read(ch));
        assertNull(ch.readOutbound());
        assertFalse(ch.isOpen());
    }

    @Test
    void aMessageExactlyAtTheLimitIsAnswered() {
        EmbeddedChannel ch = greeting(SETTINGS);
        read(ch);
        ch.writeInbound(text("sixteen bytes!!!\r\n"));
        assertEquals("You have sent: [sixteen bytes!!!]\r\n", read(ch));
    }

    @Test
    void aClientThatSaysNothingIsToldSoAndClosedAfterTheTimeout() {
        EmbeddedChannel ch = greeting(SETTINGS);
        read(ch);
        ch.advanceTimeBy(4, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen(), "still waiting before the timeout");
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertEquals("Goodbye: no message came in time.\r\n", read(ch));
        assertFalse(ch.isOpen());
    }

    @Test
    void aDrainingServerSaysGoodbyeAndCloses() {
        EmbeddedChannel ch = greeting(SETTINGS);
        read(ch);
        ch.pipeline().fireUserEventTriggered(Drain.EVENT);
        assertEquals("Goodbye: the server is stopping.\r\n", read(ch));
        assertFalse(ch.isOpen());
    }

    @Test
    void aMessageHalfInWhenTheServerDrainsIsAnsweredOnceItsLineEnds() {
        EmbeddedChannel ch = greeting(SETTINGS);
        read(ch);
        ch.writeInbound(text("half a "));
        assertEquals("greeting: 7 bytes of the client's message, its line end not yet", ch.attr(Drain.IN_FLIGHT).get().get());
        ch.pipeline().fireUserEventTriggered(Drain.EVENT);
        assertTrue(ch.isOpen(), "the rest of the line is waited for");
        ch.writeInbound(text("line\r\n"));
        assertEquals("You have sent: [half a line]\r\n", read(ch));
        assertFalse(ch.isOpen());
    }

    @Test
    void onAnImplicitTlsListenerTheGreetingWaitsForTheHandshake() throws Exception {
        EmbeddedChannel ch = greetingBehind(PipelineNames.TLS);
        assertNull(ch.readOutbound(), "nothing may pass before the TLS handshake");
        ch.advanceTimeBy(GreetingHandler.OPTIONAL_TLS_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertNull(ch.readOutbound(), "not even after the optional mode's grace");
        ch.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
        assertEquals(GREETING, read(ch));
        ch.finishAndReleaseAll();
    }

    @Test
    void onAnOptionalTlsListenerTheGreetingWaitsForTheHandshake() throws Exception {
        EmbeddedChannel ch = greetingBehindTlsSniffer();
        assertNull(ch.readOutbound(), "no plaintext before the client's first bytes decide");
        ch.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
        assertEquals(GREETING, read(ch));
        ch.finishAndReleaseAll();
    }

    @Test
    void onAnOptionalTlsListenerAPlaintextLineGetsTheGreetingThenItsAnswer() throws Exception {
        EmbeddedChannel ch = greetingBehindTlsSniffer();
        ch.writeInbound(text("plain\n"));
        assertEquals(GREETING, read(ch));
        assertEquals("You have sent: [plain]\r\n", read(ch));
    }

    @Test
    void onAnOptionalTlsListenerAnOverLongPlaintextMessageGetsTheGreetingThenTheError() throws Exception {
        EmbeddedChannel ch = greetingBehindTlsSniffer();
        ch.writeInbound(text("far more than sixteen bytes"));
        assertEquals(GREETING, read(ch));
        assertEquals("Your message is longer than 16 bytes.\r\n", read(ch));
        assertFalse(ch.isOpen());
    }

    @Test
    void onAnOptionalTlsListenerASilentClientIsGreetedInPlaintextAfterTheGrace() throws Exception {
        EmbeddedChannel ch = greetingBehindTlsSniffer();
        ch.advanceTimeBy(GreetingHandler.OPTIONAL_TLS_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertEquals(GREETING, read(ch));
        ch.finishAndReleaseAll();
    }

    private static EmbeddedChannel greeting(GreetingSettings s) {
        return new EmbeddedChannel(new MessageDecoder(s.maxMessage()), new GreetingHandler(s));
    }

    /** A connection whose TLS sniffer (here a stand-in that passes bytes on) has not decided yet. */
    private static EmbeddedChannel greetingBehindTlsSniffer() throws Exception {
        return greetingBehind(PipelineNames.TLS_SNIFFER);
    }

    /** A connection with a stand-in, named as core names it, for the TLS handler or the sniffer. */
    private static EmbeddedChannel greetingBehind(String tlsHandlerName) throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(false, false);
        ch.pipeline().addLast(tlsHandlerName, new ChannelInboundHandlerAdapter());
        ch.pipeline().addLast(new MessageDecoder(SETTINGS.maxMessage()), new GreetingHandler(SETTINGS));
        ch.register();
        return ch;
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private static String read(EmbeddedChannel ch) {
        ByteBuf b = ch.readOutbound();
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }
}
