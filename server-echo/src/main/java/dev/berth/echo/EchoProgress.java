package dev.berth.echo;

import dev.berth.core.spi.Drain;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.function.Supplier;

/**
 * One TCP echo connection's count of bytes read, so that a drain deadline that cuts it can say how
 * much of the echo was still unsent; registered with {@link Drain#describeInFlight}.
 */
final class EchoProgress implements Supplier<String> {
    private final Channel channel;
    private long read;

    private EchoProgress(Channel channel) {
        this.channel = channel;
    }

    /** Counts {@code channel}'s echo from now on. */
    static void track(Channel channel) {
        Drain.describeInFlight(channel, new EchoProgress(channel));
    }

    /** Adds {@code bytes} read on {@code channel}, if it is tracked; on the channel's event loop. */
    static void read(Channel channel, int bytes) {
        Supplier<String> d = Drain.inFlight(channel);
        if (d instanceof EchoProgress) {
            ((EchoProgress) d).read += bytes;
        }
    }

    /** "echo: N bytes read, about M of them echoed", or null when every echo has gone to the socket. */
    @Override
    public String get() {
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        long pending = out == null ? 0 : out.totalPendingWriteBytes();
        if (pending == 0) {
            return null;
        }
        // Netty counts a little overhead per queued buffer, and over TLS the queue holds records: about.
        return "echo: " + read + " bytes read, about " + Math.max(0, read - pending) + " of them echoed";
    }
}
