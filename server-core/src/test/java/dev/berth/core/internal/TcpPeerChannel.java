package dev.berth.core.internal;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Ticker;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * An embedded channel with the addresses of a TCP connection from 127.0.0.1:40000 to 127.0.0.1:25, on a given
 * clock, registered only by {@link #activate()}, once the handlers under test are in (their channelActive runs then).
 */
final class TcpPeerChannel extends EmbeddedChannel {
    static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40000);
    static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 25);

    TcpPeerChannel() {
        this(Ticker.systemTicker());
    }

    TcpPeerChannel(Ticker ticker) {
        super(EmbeddedChannel.builder().register(false).ticker(ticker));
    }

    void activate() {
        try {
            super.register();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return PEER;
    }

    @Override
    protected SocketAddress localAddress0() {
        return LOCAL;
    }
}
