package dev.berth.core.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Fires an {@code IdleStateEvent} (all-idle) when a connection has neither read nor written for the
 * idle timeout. A protocol handler may answer it in its own terms; otherwise {@link TailHandler} closes.
 *
 * <p>Written for idle connections to cost little: Netty's {@code IdleStateHandler} keeps three timers'
 * worth of state and puts a listener on every write; this one keeps one time stamp and one timer, and
 * is itself the timer's task. A write counts when it is flushed, and again each time the peer takes
 * enough of the output for the channel to turn writable, so a slow but moving reader is not idle.
 */
public final class IdleTimeoutHandler extends ChannelDuplexHandler implements Runnable {
    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    private Future<?> timer;
    private long lastActivity;
    private boolean reading;
    private boolean fired;

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

    /** The timer: fires the event when nothing moved for the timeout, else waits for the rest of it. */
    @Override
    public void run() {
        ChannelHandlerContext c = ctx;
        if (c == null || !c.channel().isOpen()) {
            return;
        }
        long left = reading ? timeoutNanos : timeoutNanos - (now() - lastActivity);
        if (left > 0) {
            timer = c.executor().schedule(this, left, TimeUnit.NANOSECONDS);
            return;
        }
        timer = c.executor().schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
        IdleStateEvent event = fired ? IdleStateEvent.ALL_IDLE_STATE_EVENT : IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT;
        fired = true;
        c.fireUserEventTriggered(event);
    }

    private void start(ChannelHandlerContext ctx) {
        if (this.ctx != null || timeoutNanos <= 0) {
            return;
        }
        this.ctx = ctx;
        lastActivity = now();
        timer = ctx.executor().schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void touch() {
        if (ctx != null) {
            lastActivity = now();
            fired = false;
        }
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }
}
