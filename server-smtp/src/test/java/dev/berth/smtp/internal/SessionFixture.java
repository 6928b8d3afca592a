package dev.berth.smtp.internal;

import dev.berth.core.ListenerConfig;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.tls.TlsMode;
import dev.berth.smtp.SmtpConfig;
import dev.berth.smtp.SmtpMessageHandlerFactory;
import dev.berth.smtp.TestAccess;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Session} on an {@link EmbeddedChannel}, for testing one command or one part of the
 * session alone: replies are read back as text, and handler calls wait in {@link #blocking} until
 * the test runs them (as a pool thread would, but on the test's thread and when the test says).
 */
final class SessionFixture {
    final EmbeddedChannel channel = new EmbeddedChannel(false, false);
    final ArrayDeque<Runnable> blocking = new ArrayDeque<>();
    final Session session;

    SessionFixture(SmtpConfig config, SmtpMessageHandlerFactory factory) {
        this(config, factory, TlsMode.NONE);
    }

    SessionFixture(SmtpConfig config, SmtpMessageHandlerFactory factory, TlsMode tlsMode) {
        SmtpFramer framer = Session.newFramer(config);
        ChannelHandlerContext[] ctx = new ChannelHandlerContext[1];
        channel.pipeline().addLast(Session.FRAMER, framer);
        channel.pipeline().addLast("smtp.session", new ChannelInboundHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext c) {
                ctx[0] = c;
            }
        });
        try {
            channel.register();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        ConnectionContext connection = new FakeConnection(channel, ListenerConfig.tcp("smtp").tlsMode(tlsMode).build(), null);
        session = new Session(config, connection, ctx[0], framer, factory, blocking::add, TestAccess.ADD_RECIPIENT,
                new SmtpMeters(new SimpleMeterRegistry(), "smtp"));
    }

    /** The client has greeted with EHLO. */
    SessionFixture greeted() {
        session.state().greeted("client.example", true);
        return this;
    }

    /** Runs {@code command} with {@code argument}, as the session handler would for its verb. */
    SessionFixture run(Command command, String argument) {
        command.run(session, argument);
        return this;
    }

    /** Runs every handler call waiting, and what they queue in turn. */
    SessionFixture runHandlerCalls() {
        for (int i = 0; i < 20; i++) {
            while (!blocking.isEmpty()) {
                blocking.poll().run();
            }
            channel.runPendingTasks();
        }
        return this;
    }

    /** Moves the channel's clock on and runs what falls due. */
    SessionFixture advance(long amount, TimeUnit unit) {
        channel.advanceTimeBy(amount, unit);
        channel.runScheduledPendingTasks();
        return this;
    }

    /** Everything the session wrote since the last call, after the event loop's pending tasks (not the handler calls). */
    String replies() {
        channel.runPendingTasks();
        StringBuilder b = new StringBuilder();
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            b.append(out.toString(StandardCharsets.UTF_8));
            out.release();
        }
        return b.toString();
    }

    /** True while the session reads from its client. */
    boolean reading() {
        return channel.config().isAutoRead();
    }
}
