package dev.berth.echo;

import dev.berth.core.spi.Drain;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.function.Supplier;

/**
 * One TCP echo connection's count of bytes read since its echo last caught up (everything read had gone to the
 * socket), so that a drain deadline that cuts it can say how much of the echo was still unsent; registered with
 * {@link Drain#describeInFlight} while the echo is behind, and dropped when it catches up, so that an idle
 * connection carries none.
 */
final class EchoProgress implements Supplier<String> {
    private final Channel channel;
    private long read;

    private EchoProgress(Channel channel) {
        this.channel = channel;
    }

    /** Adds {@code bytes} read on {@code channel}, counting from now if its echo had caught up; on its event loop. */
    static void read(Channel channel, int bytes) {
        Supplier<String> described = Drain.inFlight(channel);
        if (described instanceof EchoProgress counting) {
            counting.read += bytes;
        } else if (described == null) {
            EchoProgress p = new EchoProgress(channel);
            p.read = bytes;
            Drain.describeInFlight(channel, p);
        }
        // else: a pipeline of the user's own describes its work; the echo's count does not replace it
    }

    /** Drops the count of {@code channel} if everything read has gone to the socket; after a flush, on its event loop. */
    static void flushed(Channel channel) {
        if (pending(channel) == 0 && Drain.inFlight(channel) instanceof EchoProgress) {
            Drain.describeInFlight(channel, null);
        }
    }

    private static long pending(Channel channel) {
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    /** "echo: N bytes read, about M of them echoed", or null when every echo has gone to the socket. */
    @Override
    public String get() {
        long pending = pending(channel);
        if (pending == 0) {
            return null;
        }
        // Netty counts a little overhead per queued buffer, and over TLS the queue holds records: about.
        return "echo: " + read + " bytes read, about " + Math.max(0, read - pending) + " of them echoed";
    }
}
