package dev.berth.core.spi;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.HashSet;
import java.util.Set;

/**
 * Pauses and resumes reading from a connection for named reasons, so that several parties can each
 * hold reading off without one turning it back on under another: core's backpressure pauses while
 * the channel is unwritable, a protocol pauses while a handler stores a message, and reading resumes
 * only when no reason is left. Use this instead of {@code config().setAutoRead(...)}.
 *
 * <p>Call on the channel's event loop.
 */
public final class ReadPause {
    private static final AttributeKey<Set<Object>> REASONS = AttributeKey.valueOf("berth.read-pause");

    private ReadPause() {
    }

    /**
     * Stops reading until {@link #resume} is called with the same reason (and no other reason is left). Does
     * nothing once a {@link LingeringClose} has begun: it reads and discards until the client closes, and a
     * pause then would hold the connection for the lingering close's whole time.
     */
    public static void pause(Channel channel, Object reason) {
        if (channel.pipeline().get(LingeringClose.NAME) != null) {
            return;
        }
        Set<Object> reasons = channel.attr(REASONS).get();
        if (reasons == null) {
            reasons = new HashSet<>(4);
            channel.attr(REASONS).set(reasons);
        }
        reasons.add(reason);
        channel.config().setAutoRead(false);
    }

    /** Withdraws one reason; reading resumes when none is left. A reason not held changes nothing. */
    public static void resume(Channel channel, Object reason) {
        // hasAttr first: attr() would add an empty attribute to every connection never paused.
        if (!channel.hasAttr(REASONS)) {
            return;
        }
        Set<Object> reasons = channel.attr(REASONS).get();
        if (reasons == null || !reasons.remove(reason)) {
            return;
        }
        if (reasons.isEmpty()) {
            channel.config().setAutoRead(true);
        }
    }

    /** True while any reason holds reading off. */
    public static boolean paused(Channel channel) {
        if (!channel.hasAttr(REASONS)) {
            return false;
        }
        Set<Object> reasons = channel.attr(REASONS).get();
        return reasons != null && !reasons.isEmpty();
    }
}
