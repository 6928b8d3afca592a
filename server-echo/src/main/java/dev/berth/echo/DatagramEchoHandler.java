package dev.berth.echo;

import dev.berth.core.Addresses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Echoes UDP datagrams: each one goes back to its sender, whole. One channel serves every peer, so
 * no peer may hold it up: while the socket cannot take more, replies are dropped rather than queued,
 * and a failed send is logged, never allowed to close the channel.
 */
public final class DatagramEchoHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger log = LoggerFactory.getLogger(DatagramEchoHandler.class);

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket datagram) {
        if (!ctx.channel().isWritable()) {
            // UDP may lose a datagram anyway; queueing replies for a flood would grow without bound.
            log.debug("echo: dropped the reply to {}: the socket is not writable", Addresses.describe(datagram.sender()));
            return;
        }
        ctx.write(new DatagramPacket(datagram.content().retain(), datagram.sender()), ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // An unreachable peer must not stop the echo for everyone else.
        log.debug("echo: a datagram could not be sent: {}", cause.toString());
    }
}
