package dev.berth.core.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringSocketChannel;
import java.net.SocketOption;

/**
 * Sends a connection's pending ACK now instead of after the kernel's delayed-ACK timer (up to 40 ms on
 * Linux), by setting {@code TCP_QUICKACK} on its socket.
 *
 * <p>Why: when a TLS handshake ends, the client's last flight (its Finished) has usually nothing from the
 * server to ride on: a TLS 1.3 server has said all it has to say. A client with Nagle's algorithm on
 * (the default of most socket libraries) then holds its first request until that ACK comes, so the first
 * request of every connection waited a delayed-ACK period (the bench's {@code tls-first-byte} case:
 * 47.7 ms against nginx's 0.34 ms). Linux sends an ACK that is due at once when the option is set, so
 * setting it at the handshake's end answers the Finished without waiting. Where the option does not
 * exist (not Linux), nothing happens.
 */
public final class QuickAck {
    private static final ChannelOption<Boolean> NIO = nioOption();

    private QuickAck() {
    }

    /** Acknowledges what {@code channel} received so far, now; a no-op where the platform cannot. */
    public static void now(Channel channel) {
        ChannelOption<Boolean> option = optionFor(channel);
        if (option == null) {
            return;
        }
        try {
            channel.config().setOption(option, true);
        } catch (RuntimeException e) {
            // An option the socket refuses (closed meanwhile, another platform): the ACK is only late.
        }
    }

    private static ChannelOption<Boolean> optionFor(Channel channel) {
        if (channel instanceof EpollSocketChannel) {
            return EpollChannelOption.TCP_QUICKACK;
        }
        if (channel instanceof IoUringSocketChannel) {
            return IoUringChannelOption.TCP_QUICKACK;
        }
        if (channel instanceof NioSocketChannel) {
            return NIO;
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static ChannelOption<Boolean> nioOption() {
        try {
            // jdk.net.ExtendedSocketOptions.TCP_QUICKACK exists on Linux JDKs only: looked up, not linked.
            Object o = Class.forName("jdk.net.ExtendedSocketOptions").getField("TCP_QUICKACK").get(null);
            return NioChannelOption.of((SocketOption<Boolean>) o);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
