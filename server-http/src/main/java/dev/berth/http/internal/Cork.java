package dev.berth.http.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringSocketChannel;

/**
 * Holds a connection's partial TCP segments back while a response's head and its sendfile body are
 * written ({@code TCP_CORK}, nginx's {@code tcp_nopush}), so that the head travels in the body's first
 * full segment instead of alone: without it the client wakes, reads and parses a segment of headers
 * only, then waits for the body. Linux-only (epoll and io_uring transports); elsewhere nothing happens.
 */
final class Cork {
    private Cork() {
    }

    /** Corks {@code channel}; true when it did, so that the caller uncorks it with {@link #release}. */
    static boolean hold(Channel channel) {
        return set(channel, true);
    }

    /** Sends what the cork held back, now. */
    static void release(Channel channel) {
        set(channel, false);
    }

    private static boolean set(Channel channel, boolean on) {
        ChannelOption<Boolean> option = channel instanceof EpollSocketChannel ? EpollChannelOption.TCP_CORK
                : channel instanceof IoUringSocketChannel ? IoUringChannelOption.TCP_CORK : null;
        if (option == null || !channel.isOpen()) {
            return false;
        }
        try {
            return channel.config().setOption(option, on);
        } catch (RuntimeException e) {
            return false; // closed meanwhile: nothing to send, nothing to hold
        }
    }
}
