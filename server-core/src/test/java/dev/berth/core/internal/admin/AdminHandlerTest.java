package dev.berth.core.internal.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class AdminHandlerTest {
    private final AtomicBoolean ready = new AtomicBoolean(true);
    private final AdminStatus status = new AdminStatus() {
        @Override
        public boolean ready() {
            return ready.get();
        }

        @Override
        public String info() {
            return "{}";
        }

        @Override
        public Scrape scrape(String accept) {
            return new Scrape("text/plain", "accept=" + accept + "\n");
        }
    };

    private EmbeddedChannel channel(char[] token) {
        // The admin listener's whole pipeline, as AdminInitializer builds it for each connection.
        return new EmbeddedChannel(new AdminInitializer(Optional.empty(), new AdminHandler(status, token),
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE)));
    }

    private static String exchange(EmbeddedChannel ch, String request) {
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        StringBuilder out = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            out.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return out.toString();
    }

    @Test
    void readyzFollowsTheServersReadinessOnEachRequest() {
        EmbeddedChannel ch = channel(null);
        assertTrue(exchange(ch, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200 OK"));
        ready.set(false); // a listener not bound, or a stop begun
        String r = exchange(ch, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 503 Service Unavailable"), r);
        assertTrue(ch.isOpen(), "keep-alive: the connection stays for the next probe");
    }

    @Test
    void theAcceptHeaderReachesTheScrape() {
        String r = exchange(channel(null), "GET /metrics HTTP/1.1\r\nAccept: application/openmetrics-text\r\n\r\n");
        assertTrue(r.endsWith("accept=application/openmetrics-text\n"), r);
    }

    @Test
    void aRequestWithABodyOverTheLimitIsRefusedWith413AndClosed() {
        EmbeddedChannel ch = channel(null);
        String r = exchange(ch, "GET /healthz HTTP/1.1\r\nContent-Length: 100000\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 413"), r);
        assertFalse(ch.isOpen(), r);
    }

    @Test
    void aRequestLineOverTheLimitIsRefusedWith414AndClosed() {
        EmbeddedChannel ch = channel(null);
        String r = exchange(ch, "GET /" + "a".repeat(5000) + " HTTP/1.1\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 414"), r);
        assertFalse(ch.isOpen());
    }

    @Test
    void theTokenMustMatchWholeAndHealthzNeedsNone() {
        EmbeddedChannel ch = channel("secret".toCharArray());
        assertTrue(exchange(ch, "GET /info HTTP/1.1\r\nAuthorization: Bearer secret\r\n\r\n").startsWith("HTTP/1.1 200"));
        assertTrue(exchange(ch, "GET /info HTTP/1.1\r\nAuthorization: Bearer secre\r\n\r\n").startsWith("HTTP/1.1 401"));
        assertTrue(exchange(ch, "GET /info HTTP/1.1\r\nAuthorization: bearer secret\r\n\r\n").startsWith("HTTP/1.1 401"));
        assertTrue(exchange(ch, "GET /healthz HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 200"));
    }

    @Test
    void http10WithoutKeepAliveIsClosedAfterTheAnswer() {
        EmbeddedChannel ch = channel(null);
        String r = exchange(ch, "GET /healthz HTTP/1.0\r\n\r\n");
        assertTrue(r.contains("connection: close") || r.contains("Connection: close"), r);
        assertFalse(ch.isOpen());
    }
}
