package dev.berth.core.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.ListenerConfig;
import dev.berth.core.PipelineNames;
import dev.berth.core.spi.ConnectionContext;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DefaultConnectionContextTest {
    private static final ListenerConfig LISTENER = ListenerConfig.tcp("t").host("127.0.0.1").port(0).build();

    private final EmbeddedChannel ch = new EmbeddedChannel();
    private final DefaultConnectionContext context = new DefaultConnectionContext(LISTENER, ch, null,
            new InetSocketAddress("192.0.2.1", 1234), new InetSocketAddress("127.0.0.1", 80), Optional::empty);

    @Test
    void aServedConnectionsContextIsFoundInItsPipelineWithoutAChannelAttribute() {
        ch.pipeline().addLast(PipelineNames.IDLE_TIMEOUT, context);
        assertSame(context, ConnectionContext.of(ch));
        assertFalse(ch.hasAttr(ConnectionContext.KEY), "an idle connection carries no attribute for its context");
    }

    @Test
    void aContextAModuleTookOutOfThePipelineIsStillFound() {
        ch.pipeline().addLast(PipelineNames.IDLE_TIMEOUT, context);
        ch.pipeline().remove(PipelineNames.IDLE_TIMEOUT);
        assertNull(ch.pipeline().get(DefaultConnectionContext.class));
        assertSame(context, ConnectionContext.of(ch));
    }

    @Test
    void theContextOfAClosedConnectionIsStillFoundAfterItsPipelineIsEmptied() {
        ch.pipeline().addLast(PipelineNames.IDLE_TIMEOUT, context);
        ch.close();
        ch.runPendingTasks();
        assertNull(ch.pipeline().get(DefaultConnectionContext.class), "closing removed the handlers");
        assertSame(context, ConnectionContext.of(ch));
    }

    @Test
    void aContextInTheAttributeComesFirst() {
        ConnectionContext given = new DefaultConnectionContext(LISTENER, ch, null,
                new InetSocketAddress("192.0.2.2", 1234), new InetSocketAddress("127.0.0.1", 80), Optional::empty);
        ch.attr(ConnectionContext.KEY).set(given);
        ch.pipeline().addLast(PipelineNames.IDLE_TIMEOUT, context);
        assertSame(given, ConnectionContext.of(ch));
    }

    @Test
    void aChannelWithoutAContextIsRefusedInThoseWords() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ConnectionContext.of(new EmbeddedChannel()));
        assertTrue(e.getMessage().contains("was not set up by a Berth server"), e.getMessage());
    }
}
