package dev.berth.core.spi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.AttributeKey;
import org.junit.jupiter.api.Test;

class ReadPauseTest {
    @Test
    void readingResumesOnlyWhenEveryReasonIsWithdrawn() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ReadPause.pause(ch, "unwritable");
        ReadPause.pause(ch, "storing");
        assertFalse(ch.config().isAutoRead());
        ReadPause.resume(ch, "unwritable");
        assertFalse(ch.config().isAutoRead(), "the protocol's reason still holds");
        assertTrue(ReadPause.paused(ch));
        ReadPause.resume(ch, "storing");
        assertTrue(ch.config().isAutoRead());
        assertFalse(ReadPause.paused(ch));
    }

    @Test
    void withdrawingAReasonNotHeldChangesNothing() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAutoRead(false); // paused by someone who does not use ReadPause
        ReadPause.resume(ch, "unwritable");
        assertFalse(ch.config().isAutoRead());
    }

    @Test
    void askingOrWithdrawingLeavesNoStateOnAConnectionNeverPaused() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ReadPause.resume(ch, "unwritable");
        assertFalse(ReadPause.paused(ch));
        // Core's backpressure asks on every read; an attribute per idle connection would be memory for nothing.
        assertFalse(ch.hasAttr(AttributeKey.valueOf("berth.read-pause")));
        assertTrue(ch.config().isAutoRead());
    }
}
