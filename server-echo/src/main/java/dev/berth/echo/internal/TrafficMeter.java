package dev.berth.echo.internal;

import dev.berth.core.spi.ProtocolService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the application bytes (inside TLS) and datagrams an echo or greeting listener reads and
 * writes: {@code berth.echo.bytes} and {@code berth.echo.datagrams}, tagged with the listener and the
 * direction. One instance per listener, shared by its connections; its counters are resolved when
 * it is made, so counting is an add per buffer.
 */
@ChannelHandler.Sharable
public final class TrafficMeter extends ChannelDuplexHandler {
    /** The pipeline name it is added under, before the protocol's own handlers. */
    public static final String NAME = "echo.meter";

    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Counter datagramsIn;
    private final Counter datagramsOut;

    private TrafficMeter(MeterRegistry registry, String listener) {
        bytesIn = counter(registry, "berth.echo.bytes", listener, "in", "bytes");
        bytesOut = counter(registry, "berth.echo.bytes", listener, "out", "bytes");
        datagramsIn = counter(registry, "berth.echo.datagrams", listener, "in", null);
        datagramsOut = counter(registry, "berth.echo.datagrams", listener, "out", null);
    }

    private static Counter counter(MeterRegistry registry, String name, String listener, String direction, String unit) {
        return Counter.builder(name).tag("listener", listener).tag("direction", direction).baseUnit(unit)
                .description(direction.equals("in") ? "Read from clients" : "Written to clients").register(registry);
    }

    /**
     * A listener's meter, to be counted by a protocol handler itself ({@link #read}, {@link #written}) instead of
     * standing in the pipeline, where it would cost each connection a pipeline context.
     */
    public static TrafficMeter of(MeterRegistry registry, String listener) {
        return new TrafficMeter(registry, listener);
    }

    /** Counts {@code bytes} read from a client of this meter's listener. */
    public void read(int bytes) {
        if (bytes > 0) {
            bytesIn.increment(bytes);
        }
    }

    /** Counts {@code bytes} written to a client of this meter's listener. */
    public void written(int bytes) {
        if (bytes > 0) {
            bytesOut.increment(bytes);
        }
    }

    /**
     * A service that puts a listener's meter (made once per listener) before the handlers {@code protocol}
     * adds to each connection.
     */
    public static ProtocolService metered(MeterRegistry registry, ProtocolService protocol) {
        Map<String, TrafficMeter> meters = new ConcurrentHashMap<>();
        return (pipeline, connection) -> {
            pipeline.addLast(NAME, meters.computeIfAbsent(connection.listener().name(),
                    l -> new TrafficMeter(registry, l)));
            protocol.initPipeline(pipeline, connection);
        };
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        count(msg, bytesIn, datagramsIn);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        count(msg, bytesOut, datagramsOut);
        ctx.write(msg, promise);
    }

    private static void count(Object msg, Counter bytes, Counter datagrams) {
        if (msg instanceof ByteBuf) {
            int n = ((ByteBuf) msg).readableBytes();
            if (n > 0) {
                bytes.increment(n);
            }
        } else if (msg instanceof DatagramPacket) {
            datagrams.increment();
            bytes.increment(((DatagramPacket) msg).content().readableBytes());
        }
    }
}
