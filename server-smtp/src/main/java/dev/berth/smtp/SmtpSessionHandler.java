package dev.berth.smtp;

import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.Drain;
import dev.berth.core.tls.StartTls;
import dev.berth.core.tls.TlsMode;
import dev.berth.smtp.internal.AuthCommand;
import dev.berth.smtp.internal.CurrentTransaction;
import dev.berth.smtp.internal.HandlerMethods;
import dev.berth.smtp.internal.MailParameters;
import dev.berth.smtp.internal.PathParser;
import dev.berth.smtp.internal.SaslExchange;
import dev.berth.smtp.internal.Session;
import dev.berth.smtp.internal.SmtpCommand;
import dev.berth.smtp.internal.SmtpFrame;
import dev.berth.smtp.internal.SmtpFrame.LineProblem;
import dev.berth.smtp.internal.SmtpFramer;
import dev.berth.smtp.internal.SmtpRefusal;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP server's state machine for one connection: commands in, replies out, the transaction
 * handed to a {@link SmtpMessageHandler} on the blocking executor while reading is paused.
 */
final class SmtpSessionHandler extends ChannelInboundHandlerAdapter {
    private static final Pattern SPACES = Pattern.compile(" +");
    private static final Pattern CHUNK_SIZE = Pattern.compile("[0-9]{1,18}");

    private static final Logger log = LoggerFactory.getLogger(SmtpSessionHandler.class);
    static final String FRAMER = Session.FRAMER;
    static final String NAME = "smtp.session";

    private static final SmtpReply OK = SmtpReply.of(250, "2.0.0", "OK");
    private static final SmtpReply BAD_SEQUENCE_MAIL = SmtpReply.of(503, "5.5.1", "Bad sequence of commands: need MAIL first");
    private static final SmtpReply NO_RECIPIENTS = SmtpReply.of(554, "5.5.1", "No valid recipients");

    private final SmtpConfig config;
    private final SmtpMessageHandlerFactory factory;
    private final ConnectionContext connection;
    private final SmtpFramer framer;
    private final java.util.concurrent.Executor blocking;
    private Session session;

    SmtpSessionHandler(SmtpConfig config, SmtpMessageHandlerFactory factory, ConnectionContext connection,
                       SmtpFramer framer, java.util.concurrent.Executor blocking) {
        this.config = config;
        this.factory = factory;
        this.connection = connection;
        this.framer = framer;
        this.blocking = blocking;
    }

    /** A framer with this configuration's line limits. */
    static SmtpFramer newFramer(SmtpConfig config) {
        return Session.newFramer(config);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        session = new Session(config, connection, ctx, framer, factory, blocking, MailTransaction::addRecipient);
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
            byte[] bytes = ((SmtpFrame.CommandLine) msg).bytes();
            Consumer<byte[]> exchange = session.takeNextLine();
            if (exchange != null) {
                exchange.accept(bytes);
            } else {
                command(bytes);
            }
        } else if (msg instanceof SmtpFrame.BadLine) {
            LineProblem p = ((SmtpFrame.BadLine) msg).problem();
            session.takeNextLine(); // a broken line ends an AUTH exchange
            error(p == LineProblem.TOO_LONG
                    ? SmtpReply.of(500, "5.5.2", "Line too long: at most " + config.maxCommandLine() + " octets")
                    : SmtpReply.of(500, "5.5.2", "Bare CR or LF: command lines end with CRLF"));
        } else if (msg instanceof SmtpFrame.Content) {
            session.content().add(((SmtpFrame.Content) msg).bytes());
        } else if (msg instanceof SmtpFrame.ContentEnd) {
            session.content().end(((SmtpFrame.ContentEnd) msg).problem());
        }
    }

    // ---- commands -------------------------------------------------------------------------------

    private void command(byte[] bytes) {
        SmtpCommand command;
        try {
            command = SmtpCommand.parse(bytes);
        } catch (SmtpRefusal e) {
            error(e.reply());
            return;
        }
        String verb = command.verb;
        String arg = command.argument;
        switch (verb) {
            case "EHLO": hello(arg, true); break;
            case "HELO": hello(arg, false); break;
            case "MAIL": mail(arg); break;
            case "RCPT": rcpt(arg); break;
            case "DATA": data(arg); break;
            case "BDAT": bdat(arg); break;
            case "RSET": rset(arg); break;
            case "NOOP": reply(OK); break;
            case "QUIT": session.goodbye(SmtpReply.of(221, "2.0.0", "Bye")); break;
            case "VRFY": vrfy(arg); break;
            case "HELP": help(); break;
            case "STARTTLS": startTls(arg); break;
            case "AUTH": auth(arg); break;
            case "EXPN": case "TURN": case "ETRN":
                error(SmtpReply.of(502, "5.5.1", "Command not implemented"));
                break;
            default:
                error(SmtpReply.of(500, "5.5.1", "Command unrecognized"));
        }
    }

    private void hello(String arg, boolean extended) {
        String name = arg.trim();
        if (name.isEmpty() || name.contains(" ")) {
            error(SmtpReply.of(501, "5.5.4", "Syntax: " + (extended ? "EHLO" : "HELO") + " hostname"));
            return;
        }
        endTransaction("new greeting");
        session.state().greeted(name, extended);
        if (!extended) {
            reply(SmtpReply.plain(250, config.serverName()));
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(config.serverName() + " greets " + name);
        lines.add("PIPELINING");
        lines.add("SIZE " + config.maxMessageSize());
        lines.add("8BITMIME");
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("SMTPUTF8");
        lines.add("CHUNKING");
        if (session.offersStartTls()) {
            lines.add("STARTTLS");
        }
        if (session.offersAuth()) {
            lines.add("AUTH PLAIN LOGIN");
        }
        lines.add("HELP");
        reply(SmtpReply.plain(250, lines));
    }

    private void mail(String arg) {
        if (session.state().heloName().isEmpty()) {
            error(SmtpReply.of(503, "5.5.1", "Bad sequence of commands: send EHLO or HELO first"));
            return;
        }
        if (session.transaction().open()) {
            error(SmtpReply.of(503, "5.5.1", "Bad sequence of commands: nested MAIL"));
            return;
        }
        if (config.requireTls() && !tls()) {
            error(SmtpReply.of(530, "5.7.0", "Must issue a STARTTLS command first"));
            return;
        }
        PathParser.Parsed path;
        MailParameters params;
        try {
            path = PathParser.parseMailFrom(arg);
            params = MailParameters.parse(path.parameters(), config.maxMessageSize());
        } catch (SmtpRefusal e) {
            error(e.reply());
            return;
        }
        if (path.nonAscii() && !params.smtpUtf8) {
            error(SmtpReply.of(553, "5.6.7", "Non-ASCII address needs the SMTPUTF8 parameter"));
            return;
        }
        MailTransaction tx = new MailTransaction(session.state(), path.address(), params.size, params.body,
                params.smtpUtf8);
        SmtpMessageHandler h = session.transaction().begin(tx);
        session.calls().call(h, "onMailFrom", HandlerMethods.of(h).onMailFrom, () -> h.onMailFrom(tx), r -> {
            if (!r.isPositive() && session.transaction().is(tx)) {
                endTransaction("sender refused");
            }
            reply(r);
        });
    }

    private void rcpt(String arg) {
        CurrentTransaction current = session.transaction();
        if (!current.open()) {
            error(BAD_SEQUENCE_MAIL);
            return;
        }
        if (current.intake() != null) {
            error(SmtpReply.of(503, "5.5.1", "Bad sequence of commands: BDAT in progress"));
            return;
        }
        PathParser.Parsed path;
        try {
            path = PathParser.parseRcptTo(arg);
        } catch (SmtpRefusal e) {
            error(e.reply());
            return;
        }
        if (!path.parameters().isEmpty()) {
            error(SmtpReply.of(555, "5.5.4", "RCPT parameter " + path.parameters().keySet().iterator().next()
                    + " not recognized"));
            return;
        }
        MailTransaction tx = current.get();
        if (path.nonAscii() && !tx.smtpUtf8()) {
            error(SmtpReply.of(553, "5.6.7", "Non-ASCII address needs SMTPUTF8 on MAIL FROM"));
            return;
        }
        if (tx.recipients().size() >= config.maxRecipients()) {
            reply(SmtpReply.of(452, "4.5.3", "Too many recipients"));
            return;
        }
        if (!path.domain().isEmpty() && !config.acceptsDomain(path.domain())) {
            error(SmtpReply.of(550, "5.1.1", "Recipient domain " + path.domain() + " is not accepted here"));
            return;
        }
        String recipient = path.address();
        SmtpMessageHandler h = current.handler();
        session.calls().call(h, "onRcptTo", HandlerMethods.of(h).onRcptTo, () -> h.onRcptTo(tx, recipient), r -> {
            if (r.isPositive()) {
                current.addRecipient(tx, recipient);
            }
            reply(r);
        });
    }

    private void data(String arg) {
        if (!arg.isEmpty()) {
            error(SmtpReply.of(501, "5.5.4", "Syntax: DATA"));
        } else if (!session.transaction().open()) {
            error(BAD_SEQUENCE_MAIL);
        } else if (session.transaction().intake() != null) {
            error(SmtpReply.of(503, "5.5.1", "Bad sequence of commands: BDAT in progress"));
        } else if (session.transaction().get().recipients().isEmpty()) {
            error(NO_RECIPIENTS);
        } else {
            reply(SmtpReply.plain(354, "End data with <CR><LF>.<CR><LF>"));
            session.content().startData();
        }
    }

    private void bdat(String arg) {
        String[] parts = SPACES.split(arg.trim());
        if (parts.length < 1 || parts.length > 2 || !CHUNK_SIZE.matcher(parts[0]).matches()
                || (parts.length == 2 && !parts[1].equalsIgnoreCase("LAST"))) {
            error(SmtpReply.of(501, "5.5.4", "Syntax: BDAT octets [LAST]"));
            return;
        }
        SmtpReply refusal = null;
        if (!session.transaction().open()) {
            refusal = BAD_SEQUENCE_MAIL;
        } else if (session.transaction().get().recipients().isEmpty()) {
            refusal = NO_RECIPIENTS;
        }
        session.content().startChunk(Long.parseLong(parts[0]), parts.length == 2, refusal);
    }

    private void rset(String arg) {
        if (!arg.isEmpty()) {
            error(SmtpReply.of(501, "5.5.4", "Syntax: RSET"));
            return;
        }
        endTransaction("RSET");
        reply(OK);
    }

    private void vrfy(String arg) {
        if (arg.isBlank()) {
            error(SmtpReply.of(501, "5.5.4", "Syntax: VRFY address"));
            return;
        }
        reply(SmtpReply.of(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery"));
    }

    private void help() {
        reply(SmtpReply.of(214, "2.0.0", List.of(
                "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP"
                        + (session.offersStartTls() ? " STARTTLS" : "") + (session.offersAuth() ? " AUTH" : ""),
                "See RFC 5321")));
    }

    // ---- STARTTLS and AUTH ------------------------------------------------------------------------

    private void startTls(String arg) {
        if (!arg.isEmpty()) {
            error(SmtpReply.of(501, "5.5.4", "Syntax: STARTTLS"));
        } else if (tls()) {
            error(SmtpReply.of(503, "5.5.1", "TLS already active"));
        } else if (session.state().authenticatedUser().isPresent()) {
            error(SmtpReply.of(503, "5.5.1", "STARTTLS is not allowed after AUTH"));
        } else if (connection.listener().tlsMode() != TlsMode.STARTTLS) {
            error(SmtpReply.of(502, "5.5.1", "STARTTLS not available"));
        } else {
            endTransaction("STARTTLS");
            StartTls.begin(session.ctx(), FRAMER, session::freshFramer,
                    Unpooled.wrappedBuffer(SmtpReply.of(220, "2.0.0", "Ready to start TLS").wireBytes()),
                    ssl -> {
                        // RFC 3207 4.2: forget everything learnt from the client in plaintext. Core dropped
                        // whatever came after STARTTLS, so no AUTH exchange or content is under way here.
                        session.state().forget();
                        endTransaction("TLS started");
                        session.restartTimer();
                    });
        }
    }

    private void auth(String arg) {
        Optional<SmtpReply> refusal = AuthCommand.refusal(config, session.state(), tls(), session.transaction().open());
        if (refusal.isPresent()) {
            error(refusal.get());
            return;
        }
        String[] parts = SPACES.split(arg.trim());
        SaslExchange exchange = SaslExchange.start(parts[0]);
        if (parts.length > 2 || exchange == null) {
            error(SmtpReply.of(504, "5.5.4", "Unrecognized authentication type"));
            return;
        }
        authStep(exchange, exchange.begin(parts.length == 2 ? parts[1] : null));
    }

    private void authStep(SaslExchange exchange, SaslExchange.Step step) {
        if (step instanceof SaslExchange.Challenge) {
            reply(SmtpReply.plain(334, ((SaslExchange.Challenge) step).base64()));
            session.nextLineTo(line -> authStep(exchange, exchange.respond(new String(line, StandardCharsets.US_ASCII))));
            return;
        }
        if (step instanceof SaslExchange.Failure) {
            error(AuthCommand.failure((SaslExchange.Failure) step));
            return;
        }
        SaslExchange.Credentials credentials = (SaslExchange.Credentials) step;
        SmtpAuthenticator authenticator = config.authenticator().orElseThrow();
        session.calls().call(authenticator, "authenticate", true, AuthCommand.verify(authenticator, credentials)::get, r -> {
            if (r.isPositive()) {
                session.state().authenticated(credentials.user());
                reply(r);
            } else {
                error(r);
            }
        });
    }

    private boolean tls() {
        return session.tls();
    }

    private void endTransaction(String why) {
        session.transaction().end(why);
    }

    private void reply(SmtpReply r) {
        session.reply(r);
    }

    private void error(SmtpReply r) {
        session.error(r);
    }
}
