package dev.berth.core.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;

/**
 * Fires an {@code IdleStateEvent} (all-idle) when a connection has neither read nor written for the
 * idle timeout. A protocol handler may answer it in its own terms; otherwise {@link TailHandler} closes.
 *
 * <p>Written for idle connections to cost little: Netty's {@code IdleStateHandler} keeps three timers'
 * worth of state and puts a listener on every write; this one keeps one time stamp and has no timer of
 * its own: its event loop's one sweep checks it, so the event comes at the timeout or up to one sweep
 * period later (a quarter of the shortest timeout on the loop, at most one second). A
 * write counts when it is flushed, and again each time the peer takes enough of the output for the channel
 * to turn writable, so a slow but moving reader is not idle. Once fired, the next event comes one timeout
 * later if nothing moved meanwhile.
 */
public class IdleTimeoutHandler extends ChannelDuplexHandler {
    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    /** The start of the current idle period: the last activity, or the last event fired. */
    private long since;
    private boolean reading;
    private boolean fired;
    /** The neighbours in the sweep's list; only the sweep touches them. */
    IdleTimeoutHandler sweepPrev;
    IdleTimeoutHandler sweepNext;

    public IdleTimeoutHandler(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
            start(ctx);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
        super.channelRegistered(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (reading) {
            reading = false;
            touch();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        touch();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        touch();
        ctx.flush();
    }

    /**
     * The sweep's check at {@code now}: fires the event when nothing moved for the timeout (and starts the
     * next idle period); returns when this connection is next due.
     */
    final long check(long now) {
        ChannelHandlerContext c = ctx;
        if (c == null || !c.channel().isOpen()) {
            stop();
            return Long.MAX_VALUE;
        }
        if (reading || now - since < timeoutNanos) {
            // A read under way counts as activity, as it did for the timer this sweep replaced.
            return reading ? now + timeoutNanos : since + timeoutNanos;
        }
        since = now;
        IdleStateEvent event = fired ? IdleStateEvent.ALL_IDLE_STATE_EVENT : IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT;
        fired = true;
        c.fireUserEventTriggered(event);
        return now + timeoutNanos;
    }

    private void start(ChannelHandlerContext ctx) {
        if (this.ctx != null || timeoutNanos <= 0) {
            return;
        }
        this.ctx = ctx;
        since = now();
        IdleSweep.join(ctx.executor(), this, timeoutNanos, since + timeoutNanos);
    }

    private void stop() {
        if (ctx != null) {
            // Its loop's sweep, found when it leaves rather than kept in a field: an idle connection pays for no reference.
            IdleSweep.leave(ctx.executor(), this);
        }
    }

    private void touch() {
        if (ctx != null) {
            since = now();
            fired = false;
        }
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }
}
