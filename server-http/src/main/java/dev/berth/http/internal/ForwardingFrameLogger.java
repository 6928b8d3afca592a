package dev.berth.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.logging.LogLevel;

/**
 * A frame logger that passes every frame to the next one, for the checks that ride on Netty's frame logger:
 * it is the one hook that sees each inbound frame before the connection decoder acts on it (an unchecked
 * exception carrying an {@code Http2Exception} becomes that stream or connection error) and each outbound
 * frame as it is written. A subclass overrides the frames it looks at and calls {@code super}.
 */
abstract class ForwardingFrameLogger extends Http2FrameLogger {
    private final Http2FrameLogger next;

    ForwardingFrameLogger(Http2FrameLogger next) {
        super(LogLevel.TRACE);
        this.next = next;
    }

    @Override
    public boolean isEnabled() {
        return false;
    }

    @Override
    public void logData(Direction direction, ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
                        boolean endStream) {
        next.logData(direction, ctx, streamId, data, padding, endStream);
    }

    @Override
    public void logHeaders(Direction direction, ChannelHandlerContext ctx, int streamId, Http2Headers headers,
                           int padding, boolean endStream) {
        next.logHeaders(direction, ctx, streamId, headers, padding, endStream);
    }

    @Override
    public void logHeaders(Direction direction, ChannelHandlerContext ctx, int streamId, Http2Headers headers,
                           int streamDependency, short weight, boolean exclusive, int padding, boolean endStream) {
        next.logHeaders(direction, ctx, streamId, headers, streamDependency, weight, exclusive, padding, endStream);
    }

    @Override
    public void logPriority(Direction direction, ChannelHandlerContext ctx, int streamId, int streamDependency,
                            short weight, boolean exclusive) {
        next.logPriority(direction, ctx, streamId, streamDependency, weight, exclusive);
    }

    @Override
    public void logRstStream(Direction direction, ChannelHandlerContext ctx, int streamId, long errorCode) {
        next.logRstStream(direction, ctx, streamId, errorCode);
    }

    @Override
    public void logSettingsAck(Direction direction, ChannelHandlerContext ctx) {
        next.logSettingsAck(direction, ctx);
    }

    @Override
    public void logSettings(Direction direction, ChannelHandlerContext ctx, Http2Settings settings) {
        next.logSettings(direction, ctx, settings);
    }

    @Override
    public void logPing(Direction direction, ChannelHandlerContext ctx, long data) {
        next.logPing(direction, ctx, data);
    }

    @Override
    public void logPingAck(Direction direction, ChannelHandlerContext ctx, long data) {
        next.logPingAck(direction, ctx, data);
    }

    @Override
    public void logPushPromise(Direction direction, ChannelHandlerContext ctx, int streamId, int promisedStreamId,
                               Http2Headers headers, int padding) {
        next.logPushPromise(direction, ctx, streamId, promisedStreamId, headers, padding);
    }

    @Override
    public void logGoAway(Direction direction, ChannelHandlerContext ctx, int lastStreamId, long errorCode,
                          ByteBuf debugData) {
        next.logGoAway(direction, ctx, lastStreamId, errorCode, debugData);
    }

    @Override
    public void logWindowsUpdate(Direction direction, ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) {
        next.logWindowsUpdate(direction, ctx, streamId, windowSizeIncrement);
    }

    @Override
    public void logUnknownFrame(Direction direction, ChannelHandlerContext ctx, byte frameType, int streamId,
                                Http2Flags flags, ByteBuf data) {
        next.logUnknownFrame(direction, ctx, frameType, streamId, flags, data);
    }
}
