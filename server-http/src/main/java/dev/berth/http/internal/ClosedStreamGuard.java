package dev.berth.http.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Iterator;

/**
 * Answers a HEADERS frame on a client stream that is no longer open with the error RFC 9113 names: a stream
 * error STREAM_CLOSED while the client has ended the stream and the response is still going (section 5.1,
 * "half-closed (remote)"), and a connection error once the stream is gone: PROTOCOL_ERROR for a stream identifier
 * the client skipped and now uses out of order (section 5.1.1), STREAM_CLOSED for a stream that ended normally
 * (section 5.1, "closed"). A stream that either side reset is left to Netty, which answers such frames with a
 * stream error, since frames may be in flight after a RST_STREAM. Netty alone cannot tell the closed cases
 * apart and answers all of them with a stream error, and the half-closed one with PROTOCOL_ERROR.
 *
 * <p>Memory stays bounded: the skipped identifiers are kept as at most {@value #MAX_GAPS} ranges and the reset
 * streams as the last {@value #MAX_RESETS}; what falls out of either is judged closed, which is still a
 * connection error.
 */
final class ClosedStreamGuard extends ForwardingFrameLogger {
    static final int MAX_GAPS = 64;
    static final int MAX_RESETS = 1024;

    private final ArrayDeque<int[]> gaps = new ArrayDeque<>();
    private final LinkedHashSet<Integer> reset = new LinkedHashSet<>();
    private Http2Connection connection;
    private int highest;

    ClosedStreamGuard(Http2FrameLogger next) {
        super(next);
    }

    /** The codec's connection, whose open streams the guard consults; set once the codec is built. */
    void connection(Http2Connection connection) {
        this.connection = connection;
    }

    @Override
    public void logHeaders(Direction direction, ChannelHandlerContext ctx, int streamId, Http2Headers headers,
                           int padding, boolean endStream) {
        check(direction, streamId);
        super.logHeaders(direction, ctx, streamId, headers, padding, endStream);
    }

    @Override
    public void logHeaders(Direction direction, ChannelHandlerContext ctx, int streamId, Http2Headers headers,
                           int streamDependency, short weight, boolean exclusive, int padding, boolean endStream) {
        check(direction, streamId);
        super.logHeaders(direction, ctx, streamId, headers, streamDependency, weight, exclusive, padding, endStream);
    }

    @Override
    public void logRstStream(Direction direction, ChannelHandlerContext ctx, int streamId, long errorCode) {
        reset.add(streamId);
        if (reset.size() > MAX_RESETS) {
            Iterator<Integer> oldest = reset.iterator();
            oldest.next();
            oldest.remove();
        }
        super.logRstStream(direction, ctx, streamId, errorCode);
    }

    private void check(Direction direction, int streamId) {
        if (direction != Direction.INBOUND || connection == null || streamId <= 0 || streamId % 2 == 0) {
            return;
        }
        if (streamId > highest) {
            if (streamId > highest + 2 && gaps.size() < MAX_GAPS) {
                gaps.add(new int[] {highest + 2, streamId - 2});
            }
            highest = streamId;
            return;
        }
        Http2Stream stream = connection.stream(streamId);
        if (stream != null) {
            // Netty checks the count of header blocks first and would call this a PROTOCOL_ERROR
            if (stream.state() == Http2Stream.State.HALF_CLOSED_REMOTE && !stream.isResetSent()) {
                throw new IllegalStateException(Http2Exception.streamError(streamId, Http2Error.STREAM_CLOSED,
                        "HEADERS on stream %d, which the client has ended", streamId));
            }
            return;
        }
        if (reset.contains(streamId)) {
            return;
        }
        for (int[] gap : gaps) {
            if (streamId >= gap[0] && streamId <= gap[1]) {
                throw new IllegalStateException(Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR,
                        "HEADERS opens stream %d after stream %d: stream identifiers must increase",
                        streamId, highest));
            }
        }
        throw new IllegalStateException(Http2Exception.connectionError(Http2Error.STREAM_CLOSED,
                "HEADERS on stream %d, which is closed", streamId));
    }
}
