package dev.berth.smtp;

import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.Drain;
import dev.berth.smtp.internal.Commands;
import dev.berth.smtp.internal.Session;
import dev.berth.smtp.internal.SmtpCommand;
import dev.berth.smtp.internal.SmtpFrame;
import dev.berth.smtp.internal.SmtpFrame.LineProblem;
import dev.berth.smtp.internal.SmtpFramer;
import dev.berth.smtp.internal.SmtpMeters;
import dev.berth.smtp.internal.SmtpRefusal;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's SMTP session in the pipeline: passes the framer's command lines to the command
 * for their verb (or to an AUTH exchange waiting for its next line), message content to the
 * session's {@link dev.berth.smtp.internal.MessageContent}, and the connection's life events to its
 * {@link Session}.
 */
final class SmtpSessionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(SmtpSessionHandler.class);
    static final String FRAMER = Session.FRAMER;
    static final String NAME = "smtp.session";

    private final SmtpConfig config;
    private final SmtpMessageHandlerFactory factory;
    private final ConnectionContext connection;
    private final SmtpFramer framer;
    private final Executor blocking;
    private final SmtpMeters meters;
    private Session session;

    SmtpSessionHandler(SmtpConfig config, SmtpMessageHandlerFactory factory, ConnectionContext connection,
                       SmtpFramer framer, Executor blocking, SmtpMeters meters) {
        this.config = config;
        this.factory = factory;
        this.connection = connection;
        this.framer = framer;
        this.blocking = blocking;
        this.meters = meters;
    }

    /** A framer with this configuration's line limits. */
    static SmtpFramer newFramer(SmtpConfig config) {
        return Session.newFramer(config);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // MailTransaction keeps adding a recipient out of its public API; the session gets that one door.
        session = new Session(config, connection, ctx, framer, factory, blocking, MailTransaction::addRecipient,
                meters);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // On implicit-TLS listeners core holds channelActive until the handshake has succeeded.
        session.greet();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.closed();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == Drain.EVENT) {
            session.drain();
            return;
        }
        if (evt instanceof IdleStateEvent) {
            return; // this session's own command and DATA timeouts decide
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing SMTP session with {}: {}", connection.remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof SmtpFrame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (session.closing()) {
            return;
        }
        session.restartTimer();
        if (msg instanceof SmtpFrame.CommandLine) {
            commandLine(((SmtpFrame.CommandLine) msg).bytes());
        } else if (msg instanceof SmtpFrame.BadLine) {
            session.takeNextLine(); // a broken line ends an AUTH exchange
            session.command(null);
            session.error(((SmtpFrame.BadLine) msg).problem() == LineProblem.TOO_LONG
                    ? SmtpReply.of(500, "5.5.2", "Line too long: at most " + config.maxCommandLine() + " octets")
                    : SmtpReply.of(500, "5.5.2", "Bare CR or LF: command lines end with CRLF"));
        } else if (msg instanceof SmtpFrame.Content) {
            session.content().add(((SmtpFrame.Content) msg).bytes());
        } else if (msg instanceof SmtpFrame.ContentEnd) {
            session.content().end(((SmtpFrame.ContentEnd) msg).problem());
        }
        // A BDAT transaction a drain waited for may have ended between its chunks (RSET, a refusal).
        session.goodbyeIfDrainedAndIdle();
    }

    private void commandLine(byte[] line) {
        Consumer<byte[]> exchange = session.takeNextLine();
        if (exchange != null) {
            exchange.accept(line);
            return;
        }
        SmtpCommand command;
        try {
            command = SmtpCommand.parse(line);
        } catch (SmtpRefusal e) {
            session.command(null);
            session.error(e.reply());
            return;
        }
        session.command(command.verb);
        Commands.of(command.verb).run(session, command.argument);
    }
}
