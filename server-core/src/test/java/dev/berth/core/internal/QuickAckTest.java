package dev.berth.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.IoHandlerFactory;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import org.junit.jupiter.api.Test;

class QuickAckTest {

    private static <T> T onConnected(IoHandlerFactory io, Class<? extends io.netty.channel.ServerChannel> server,
                                     Class<? extends Channel> client, java.util.function.Function<Channel, T> probe) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io);
        try {
            Channel listening = new ServerBootstrap().group(group).channel(server)
                    .childHandler(new ChannelInboundHandlerAdapter()).bind("127.0.0.1", 0).sync().channel();
            Channel c = new Bootstrap().group(group).channel(client).handler(new ChannelInboundHandlerAdapter())
                    .connect((InetSocketAddress) listening.localAddress()).sync().channel();
            T result = c.eventLoop().submit(() -> probe.apply(c)).get();
            c.close().sync();
            listening.close().sync();
            return result;
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void onEpollASocketInDelayedAckModeIsSwitchedToQuickAck() throws Exception {
        assumeTrue(Epoll.isAvailable(), "epoll is not available here");
        String modes = onConnected(EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class, c -> {
            c.config().setOption(EpollChannelOption.TCP_QUICKACK, false);
            Boolean before = c.config().getOption(EpollChannelOption.TCP_QUICKACK);
            QuickAck.now(c);
            return before + " then " + c.config().getOption(EpollChannelOption.TCP_QUICKACK);
        });
        assertEquals("false then true", modes, "delayed ACKs (as the kernel chooses them) are switched off");
    }

    @Test
    @SuppressWarnings("unchecked")
    void onNioASocketInDelayedAckModeIsSwitchedToQuickAck() throws Exception {
        ChannelOption<Boolean> option;
        try {
            option = NioChannelOption.of((SocketOption<Boolean>) Class.forName("jdk.net.ExtendedSocketOptions")
                    .getField("TCP_QUICKACK").get(null));
        } catch (ReflectiveOperationException e) {
            assumeTrue(false, "this JDK has no TCP_QUICKACK");
            return;
        }
        ChannelOption<Boolean> quickAck = option;
        String modes = onConnected(NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class, c -> {
            c.config().setOption(quickAck, false);
            Boolean before = c.config().getOption(quickAck);
            QuickAck.now(c);
            return before + " then " + c.config().getOption(quickAck);
        });
        assertEquals("false then true", modes, "delayed ACKs (as the kernel chooses them) are switched off");
    }
}
