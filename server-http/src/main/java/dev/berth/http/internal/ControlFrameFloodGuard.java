package dev.berth.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.util.concurrent.TimeUnit;

/**
 * Ends a connection with GOAWAY ENHANCE_YOUR_CALM when its client sends frames that make the server work but
 * ask for nothing (CVE-2019-9512 PING flood, CVE-2019-9515 SETTINGS flood, and WINDOW_UPDATE floods), beyond
 * what a client needs. Netty bounds these answers only when they queue unwritten; a client that reads them
 * can keep a connection busy for ever.
 *
 * <p>PING and SETTINGS share a budget per fixed window of time, as Netty's rapid-reset guard counts
 * RST_STREAM. WINDOW_UPDATE is judged against the work it acknowledges: a client sends at most one for the
 * stream and one for the connection per DATA frame it received, and a few when it opens a stream, so the
 * budget is a head start plus two per DATA frame sent and two per request received.
 */
final class ControlFrameFloodGuard extends ForwardingFrameLogger {
    private final int maxPingsAndSettings;
    private final long windowNanos;
    private final long windowUpdateHeadStart;
    private long windowStart = System.nanoTime();
    private int pingsAndSettings;
    private long windowUpdateCredit;
    private RuntimeException calm;

    /**
     * @param maxPingsAndSettings PING and SETTINGS frames (not acknowledgements) allowed per window
     * @param window the window's length in seconds
     * @param windowUpdateHeadStart WINDOW_UPDATE frames allowed before any DATA or request is counted
     */
    ControlFrameFloodGuard(Http2FrameLogger next, int maxPingsAndSettings, int window, int windowUpdateHeadStart) {
        super(next);
        this.maxPingsAndSettings = maxPingsAndSettings;
        this.windowNanos = TimeUnit.SECONDS.toNanos(window);
        this.windowUpdateHeadStart = windowUpdateHeadStart;
        this.windowUpdateCredit = windowUpdateHeadStart;
    }

    @Override
    public void logPing(Direction direction, ChannelHandlerContext ctx, long data) {
        if (direction == Direction.INBOUND) {
            countPingOrSettings("PING");
        }
        super.logPing(direction, ctx, data);
    }

    @Override
    public void logSettings(Direction direction, ChannelHandlerContext ctx, Http2Settings settings) {
        if (direction == Direction.INBOUND) {
            countPingOrSettings("SETTINGS");
        }
        super.logSettings(direction, ctx, settings);
    }

    @Override
    public void logWindowsUpdate(Direction direction, ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) {
        if (direction == Direction.INBOUND && --windowUpdateCredit < 0) {
            calm("WINDOW_UPDATE frames beyond the DATA frames they could acknowledge (head start "
                    + windowUpdateHeadStart + ")");
        }
        super.logWindowsUpdate(direction, ctx, streamId, windowSizeIncrement);
    }

    @Override
    public void logData(Direction direction, ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
                        boolean endStream) {
        if (direction == Direction.OUTBOUND) {
            windowUpdateCredit += 2;
        }
        super.logData(direction, ctx, streamId, data, padding, endStream);
    }

    @Override
    public void logHeaders(Direction direction, ChannelHandlerContext ctx, int streamId, Http2Headers headers,
                           int padding, boolean endStream) {
        credit(direction);
        super.logHeaders(direction, ctx, streamId, headers, padding, endStream);
    }

    @Override
    public void logHeaders(Direction direction, ChannelHandlerContext ctx, int streamId, Http2Headers headers,
                           int streamDependency, short weight, boolean exclusive, int padding, boolean endStream) {
        credit(direction);
        super.logHeaders(direction, ctx, streamId, headers, streamDependency, weight, exclusive, padding, endStream);
    }

    private void credit(Direction direction) {
        if (direction == Direction.INBOUND) {
            windowUpdateCredit += 2;
        }
    }

    private void countPingOrSettings(String frame) {
        long now = System.nanoTime();
        if (now - windowStart > windowNanos) {
            windowStart = now;
            pingsAndSettings = 0;
        }
        if (++pingsAndSettings > maxPingsAndSettings) {
            calm("more than " + maxPingsAndSettings + " PING and SETTINGS frames in "
                    + TimeUnit.NANOSECONDS.toSeconds(windowNanos) + " s (last: " + frame + ")");
        }
    }

    /** Throws the connection error; made once, so a flood that goes on until the close costs no new exceptions. */
    private void calm(String why) {
        if (calm == null) {
            calm = new IllegalStateException(Http2Exception.connectionError(Http2Error.ENHANCE_YOUR_CALM, "%s", why));
        }
        throw calm;
    }
}
