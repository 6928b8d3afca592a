package dev.berth.core.internal;

import dev.berth.core.BerthException;
import dev.berth.core.IoTransport;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** The chosen I/O engine: its event loops, channel classes and native options. */
public final class Transports {
    private final IoTransport kind;

    private Transports(IoTransport kind) {
        this.kind = kind;
    }

    /** Resolves AUTO to epoll or NIO; a forced native engine that does not load is a start-up error. */
    public static Transports choose(IoTransport wanted) {
        switch (wanted) {
            case AUTO:
                return new Transports(Epoll.isAvailable() ? IoTransport.EPOLL : IoTransport.NIO);
            case EPOLL:
                if (!Epoll.isAvailable()) {
                    throw new BerthException("I/O transport epoll: epoll is not available here ("
                            + Epoll.unavailabilityCause() + ")", "ioTransport");
                }
                return new Transports(IoTransport.EPOLL);
            case IO_URING:
                if (!IoUring.isAvailable()) {
                    throw new BerthException("I/O transport io-uring: io_uring is not available here ("
                            + IoUring.unavailabilityCause() + ")", "ioTransport");
                }
                return new Transports(IoTransport.IO_URING);
            default:
                return new Transports(IoTransport.NIO);
        }
    }

    public IoTransport kind() {
        return kind;
    }

    public EventLoopGroup newGroup(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), ioHandler());
    }

    private IoHandlerFactory ioHandler() {
        switch (kind) {
            case EPOLL:
                return EpollIoHandler.newFactory();
            case IO_URING:
                return IoUringIoHandler.newFactory();
            default:
                return NioIoHandler.newFactory();
        }
    }

    public Class<? extends ServerChannel> serverChannel() {
        switch (kind) {
            case EPOLL:
                return EpollServerSocketChannel.class;
            case IO_URING:
                return IoUringServerSocketChannel.class;
            default:
                return NioServerSocketChannel.class;
        }
    }

    public Class<? extends DatagramChannel> datagramChannel() {
        switch (kind) {
            case EPOLL:
                return EpollDatagramChannel.class;
            case IO_URING:
                return IoUringDatagramChannel.class;
            default:
                return NioDatagramChannel.class;
        }
    }

    /** The SO_REUSEPORT option of this engine, or null where the engine has none (NIO). */
    public ChannelOption<Boolean> reusePortOption() {
        switch (kind) {
            case EPOLL:
                return EpollChannelOption.SO_REUSEPORT;
            case IO_URING:
                return IoUringChannelOption.SO_REUSEPORT;
            default:
                return null;
        }
    }

    /** The engine's name for logs: {@code epoll}, {@code io-uring} or {@code nio}. */
    public String displayName() {
        return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
