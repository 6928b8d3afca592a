package dev.berth.echo;

import dev.berth.core.PipelineNames;
import dev.berth.core.spi.Drain;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One greeting exchange: greet with the time, take the client's first message (framed by the
 * {@code MessageDecoder} in front), answer {@code You have sent: [message]} and close. An over-long
 * line, a client that stays silent past the timeout or ends its side without a message, and a
 * draining server each get one line saying so before the close; when the server drains while part of
 * the client's message is in, the rest is waited for and answered.
 *
 * <p>The server speaks first, which TLS makes delicate: a greeting written before the handshake
 * would reach the client in plaintext. With TLS at accept (IMPLICIT) the greeting waits for the
 * handshake. In OPTIONAL mode, until the client's first bytes show whether it speaks TLS, the
 * greeting waits for the handshake, for the client's first line, or for a short grace period after
 * which the silent client is taken to be a plaintext one.
 */
public final class GreetingHandler extends ChannelInboundHandlerAdapter {
    /** How long a silent client on an OPTIONAL-TLS listener has to start a TLS handshake. */
    static final Duration OPTIONAL_TLS_GRACE = Duration.ofSeconds(1);

    private static final byte[] ANSWER_PREFIX = "You have sent: [".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ANSWER_SUFFIX = "]\r\n".getBytes(StandardCharsets.US_ASCII);

    private final GreetingSettings settings;
    private boolean greeted;
    private boolean done;
    private ScheduledFuture<?> timeout;
    private ScheduledFuture<?> grace;

    public GreetingHandler(GreetingSettings settings) {
        this.settings = settings;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> end(ctx, "Goodbye: no message came in time."),
                settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        if (ctx.pipeline().get(PipelineNames.TLS_SNIFFER) != null) {
            grace = ctx.executor().schedule(() -> {
                if (ctx.pipeline().get(PipelineNames.TLS) == null) {
                    greet(ctx);
                }
            }, OPTIONAL_TLS_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } else if (ctx.pipeline().get(PipelineNames.TLS) == null) {
            greet(ctx);
        }
        // Otherwise TLS is on from the accept: the greeting goes out with the handshake's completion event.
        ctx.fireChannelActive();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Drain.describeInFlight(ctx.channel(), () -> {
            int partial = partialMessage(ctx);
            return done || partial == 0 ? null : "greeting: " + partial + " bytes of the client's message, its line end not yet";
        });
    }

    /** Bytes of the client's message the decoder in front holds, waiting for the line end. */
    private static int partialMessage(ChannelHandlerContext ctx) {
        MessageDecoder decoder = ctx.pipeline().get(MessageDecoder.class);
        return decoder == null ? 0 : decoder.partial();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf line = (ByteBuf) msg;
        try {
            if (done) {
                return;
            }
            greet(ctx);
            ByteBuf answer = ctx.alloc().buffer(ANSWER_PREFIX.length + line.readableBytes() + ANSWER_SUFFIX.length);
            // The client's bytes go back as they came: no charset is assumed.
            answer.writeBytes(ANSWER_PREFIX).writeBytes(line).writeBytes(ANSWER_SUFFIX);
            finish(ctx, answer);
        } finally {
            ReferenceCountUtil.release(line);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent && ((SslHandshakeCompletionEvent) evt).isSuccess()) {
            greet(ctx);
        } else if (evt == Drain.EVENT) {
            // A message whose line end is on its way gets its answer; the drain deadline bounds the wait.
            if (partialMessage(ctx) == 0) {
                end(ctx, "Goodbye: the server is stopping.");
            }
            return;
        } else if (evt instanceof ChannelInputShutdownEvent) {
            // Any message the client sent before its end has been answered already (the decoder
            // delivers it first); a client that sent none is done.
            greet(ctx);
            end(ctx, "Goodbye: you sent no message.");
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            // On an OPTIONAL-TLS listener the greeting may still be waiting for the client's first bytes.
            greet(ctx);
            end(ctx, "Your message is longer than " + settings.maxMessage() + " bytes.");
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimers();
        ctx.fireChannelInactive();
    }

    private void greet(ChannelHandlerContext ctx) {
        if (greeted || done) {
            return;
        }
        greeted = true;
        if (grace != null) {
            grace.cancel(false);
        }
        ctx.writeAndFlush(line(ctx, settings.greeting()));
    }

    /** Says why the exchange ends without an answer, then closes. */
    private void end(ChannelHandlerContext ctx, String reason) {
        if (done) {
            return;
        }
        finish(ctx, line(ctx, reason));
    }

    private void finish(ChannelHandlerContext ctx, ByteBuf last) {
        done = true;
        cancelTimers();
        ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
    }

    private void cancelTimers() {
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (grace != null) {
            grace.cancel(false);
        }
    }

    private static ByteBuf line(ChannelHandlerContext ctx, String text) {
        ByteBuf b = ctx.alloc().buffer(text.length() + 2);
        b.writeCharSequence(text, StandardCharsets.UTF_8);
        b.writeByte('\r').writeByte('\n');
        return b;
    }
}
