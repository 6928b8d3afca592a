package dev.berth.core.testing;

import dev.berth.core.Transport;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.Drain;
import dev.berth.core.spi.ProtocolModule;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Small protocol modules for core's tests. */
public final class TestModules {
    private TestModules() {
    }

    /** Echoes TCP bytes and UDP datagrams as they come. */
    public static ProtocolModule echo(String name) {
        return new ProtocolModule() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Set<Transport> transports() {
                return Set.of(Transport.TCP, Transport.UDP);
            }

            @Override
            public void initPipeline(ChannelPipeline pipeline, ConnectionContext connection) {
                if (connection.listener().transport() == Transport.UDP) {
                    pipeline.addLast(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                            ctx.writeAndFlush(new DatagramPacket(p.content().retain(), p.sender()));
                        }
                    });
                } else {
                    pipeline.addLast(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ctx.write(msg);
                        }

                        @Override
                        public void channelReadComplete(ChannelHandlerContext ctx) {
                            ctx.flush();
                        }
                    });
                }
            }
        };
    }

    /** Answers each line with the client's address as the server sees it (after PROXY): {@code host port}. */
    public static ProtocolModule whoAmI() {
        return new ProtocolModule() {
            @Override
            public String name() {
                return "whoami";
            }

            @Override
            public Set<Transport> transports() {
                return Set.of(Transport.TCP);
            }

            @Override
            public void initPipeline(ChannelPipeline p, ConnectionContext c) {
                p.addLast(new LineBasedFrameDecoder(1024), new StringDecoder(StandardCharsets.UTF_8),
                        new StringEncoder(StandardCharsets.UTF_8), new SimpleChannelInboundHandler<String>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, String line) {
                                ConnectionContext cc = ConnectionContext.of(ctx.channel());
                                ctx.writeAndFlush(cc.remoteAddress().getAddress().getHostAddress() + " "
                                        + cc.remoteAddress().getPort() + " proxied=" + cc.proxied()
                                        + " tlvs=" + cc.proxyTlvs().size() + "\r\n");
                            }
                        });
            }
        };
    }

    /**
     * Answers {@code slow} after a delay; on {@link Drain} it lets the answer in flight go out, then closes.
     */
    public static ProtocolModule slow(long delayMillis, java.util.concurrent.CountDownLatch received) {
        return new ProtocolModule() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public Set<Transport> transports() {
                return Set.of(Transport.TCP);
            }

            @Override
            public void initPipeline(ChannelPipeline p, ConnectionContext c) {
                p.addLast(new LineBasedFrameDecoder(1024), new SimpleChannelInboundHandler<ByteBuf>() {
                    private boolean busy;
                    private boolean draining;

                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
                        busy = true;
                        received.countDown();
                        ctx.executor().schedule(() -> {
                            busy = false;
                            ctx.writeAndFlush(Unpooled.copiedBuffer("done\r\n", StandardCharsets.US_ASCII))
                                    .addListener(f -> {
                                        if (draining) {
                                            ctx.close();
                                        }
                                    });
                        }, delayMillis, TimeUnit.MILLISECONDS);
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt == Drain.EVENT) {
                            draining = true;
                            if (!busy) {
                                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                            }
                            return;
                        }
                        ctx.fireUserEventTriggered(evt);
                    }
                });
            }
        };
    }
}
