package dev.berth.smtp;

import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.Drain;
import dev.berth.core.spi.ReadPause;
import dev.berth.core.tls.StartTls;
import dev.berth.core.tls.TlsMode;
import dev.berth.smtp.internal.AuthCommand;
import dev.berth.smtp.internal.HandlerMethods;
import dev.berth.smtp.internal.MailParameters;
import dev.berth.smtp.internal.MessageIntake;
import dev.berth.smtp.internal.PathParser;
import dev.berth.smtp.internal.ReplyWriter;
import dev.berth.smtp.internal.SaslExchange;
import dev.berth.smtp.internal.SerialExecutor;
import dev.berth.smtp.internal.SessionState;
import dev.berth.smtp.internal.SmtpCommand;
import dev.berth.smtp.internal.SmtpFrame;
import dev.berth.smtp.internal.SmtpRefusal;
import dev.berth.smtp.internal.SmtpFrame.LineProblem;
import dev.berth.smtp.internal.SmtpFramer;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
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
    static final String FRAMER = "smtp.framer";
    static final String NAME = "smtp.session";
    /** This session's reason to hold reading off: a handler at work, a full message stream, or closing. */
    private static final String READ_PAUSE = "smtp.session";

    private static final SmtpReply TIMEOUT = SmtpReply.of(421, "4.4.2", "Timeout, closing connection");
    private static final SmtpReply SHUTTING_DOWN = SmtpReply.of(421, "4.3.2", "Service shutting down, closing connection");
    private static final SmtpReply TOO_MANY_ERRORS = SmtpReply.of(421, "4.7.0", "Too many errors, closing connection");
    private static final SmtpReply HANDLER_TIMEOUT = SmtpReply.of(451, "4.3.0", "Local error in processing: the handler timed out");
    private static final SmtpReply OK = SmtpReply.of(250, "2.0.0", "OK");
    private static final SmtpReply BAD_SEQUENCE_MAIL = SmtpReply.of(503, "5.5.1", "Bad sequence of commands: need MAIL first");
    private static final SmtpReply NO_RECIPIENTS = SmtpReply.of(554, "5.5.1", "No valid recipients");
    private static final SmtpReply TOO_BIG = MailParameters.TOO_BIG;

    private enum Mode { COMMAND, DATA, BDAT, AUTH }

    private final SmtpConfig config;
    private final SmtpMessageHandlerFactory factory;
    private final ConnectionContext connection;
    private final SessionState session;
    private final Executor blocking;
    private SerialExecutor serial;
    private ChannelHandlerContext ctx;
    private SmtpFramer framer;

    private Mode mode = Mode.COMMAND;
    private MailTransaction transaction;
    private SmtpMessageHandler handler;
    private MessageIntake intake;
    private boolean lastChunk;
    private SmtpReply chunkRefusal;
    private SaslExchange sasl;
    private boolean waitingHandler;
    private boolean waitingStream;
    private boolean draining;
    private ReplyWriter replies;
    private ScheduledFuture<?> timer;
    private ScheduledFuture<?> stall;
    private boolean stalled;

    SmtpSessionHandler(SmtpConfig config, SmtpMessageHandlerFactory factory, ConnectionContext connection,
                       SmtpFramer framer, Executor blocking) {
        this.config = config;
        this.factory = factory;
        this.connection = connection;
        this.framer = framer;
        this.session = new SessionState(connection, config.serverName());
        this.blocking = blocking;
        this.serial = new SerialExecutor(blocking);
    }

    /** A framer with this configuration's line limits. */
    static SmtpFramer newFramer(SmtpConfig config) {
        return new SmtpFramer(config.maxCommandLine(), config.maxTextLine());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.replies = new ReplyWriter(ctx, config.maxErrors());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // On implicit-TLS listeners core holds channelActive until the handshake has succeeded.
        reply(SmtpReply.plain(220, config.serverName() + " ESMTP Berth ready"));
        armTimer();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        if (stall != null) {
            stall.cancel(false);
        }
        endTransaction("connection closed");
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == Drain.EVENT) {
            draining = true;
            if (!busy()) {
                goodbye(SHUTTING_DOWN);
            }
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
        if (replies.closing()) {
            return;
        }
        armTimer();
        if (msg instanceof SmtpFrame.CommandLine) {
            byte[] bytes = ((SmtpFrame.CommandLine) msg).bytes();
            if (mode == Mode.AUTH) {
                authResponse(bytes);
            } else {
                command(bytes);
            }
        } else if (msg instanceof SmtpFrame.BadLine) {
            LineProblem p = ((SmtpFrame.BadLine) msg).problem();
            if (mode == Mode.AUTH) {
                mode = Mode.COMMAND; // a broken response line ends the AUTH exchange
                sasl = null;
            }
            error(p == LineProblem.TOO_LONG
                    ? SmtpReply.of(500, "5.5.2", "Line too long: at most " + config.maxCommandLine() + " octets")
                    : SmtpReply.of(500, "5.5.2", "Bare CR or LF: command lines end with CRLF"));
        } else if (msg instanceof SmtpFrame.Content) {
            content(((SmtpFrame.Content) msg).bytes());
        } else if (msg instanceof SmtpFrame.ContentEnd) {
            contentEnd(((SmtpFrame.ContentEnd) msg).problem());
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
            case "QUIT": goodbye(SmtpReply.of(221, "2.0.0", "Bye")); break;
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
        session.greeted(name, extended);
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
        if (startTlsAvailable()) {
            lines.add("STARTTLS");
        }
        if (authAvailable()) {
            lines.add("AUTH PLAIN LOGIN");
        }
        lines.add("HELP");
        reply(SmtpReply.plain(250, lines));
    }

    private boolean tls() {
        return connection.tlsSession().isPresent();
    }

    private boolean startTlsAvailable() {
        return connection.listener().tlsMode() == TlsMode.STARTTLS && !tls() && session.authenticatedUser().isEmpty();
    }

    private boolean authAvailable() {
        return config.authenticator().isPresent() && tls() && session.authenticatedUser().isEmpty();
    }

    private void mail(String arg) {
        if (session.heloName().isEmpty()) {
            error(SmtpReply.of(503, "5.5.1", "Bad sequence of commands: send EHLO or HELO first"));
            return;
        }
        if (transaction != null) {
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
        MailTransaction tx = new MailTransaction(session, path.address(), params.size, params.body, params.smtpUtf8);
        SmtpMessageHandler h = factory.create(session);
        transaction = tx;
        handler = h;
        callHandler(HandlerMethods.of(h).onMailFrom, () -> h.onMailFrom(tx), r -> {
            if (!r.isPositive() && transaction == tx) {
                endTransaction("sender refused");
            }
            reply(r);
        });
    }

    private void rcpt(String arg) {
        if (transaction == null) {
            error(BAD_SEQUENCE_MAIL);
            return;
        }
        if (intake != null) {
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
        MailTransaction tx = transaction;
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
        SmtpMessageHandler h = handler;
        callHandler(HandlerMethods.of(h).onRcptTo, () -> h.onRcptTo(tx, recipient), r -> {
            if (r.isPositive() && transaction == tx) {
                tx.addRecipient(recipient);
            }
            reply(r);
        });
    }

    private void data(String arg) {
        if (!arg.isEmpty()) {
            error(SmtpReply.of(501, "5.5.4", "Syntax: DATA"));
        } else if (transaction == null) {
            error(BAD_SEQUENCE_MAIL);
        } else if (intake != null) {
            error(SmtpReply.of(503, "5.5.1", "Bad sequence of commands: BDAT in progress"));
        } else if (transaction.recipients().isEmpty()) {
            error(NO_RECIPIENTS);
        } else {
            reply(SmtpReply.plain(354, "End data with <CR><LF>.<CR><LF>"));
            mode = Mode.DATA;
            framer.startData();
            startContent();
            armTimer();
        }
    }

    private void bdat(String arg) {
        String[] parts = SPACES.split(arg.trim());
        if (parts.length < 1 || parts.length > 2 || !CHUNK_SIZE.matcher(parts[0]).matches()
                || (parts.length == 2 && !parts[1].equalsIgnoreCase("LAST"))) {
            error(SmtpReply.of(501, "5.5.4", "Syntax: BDAT octets [LAST]"));
            return;
        }
        long size = Long.parseLong(parts[0]);
        lastChunk = parts.length == 2;
        chunkRefusal = null;
        if (transaction == null) {
            chunkRefusal = BAD_SEQUENCE_MAIL;
        } else if (transaction.recipients().isEmpty()) {
            chunkRefusal = NO_RECIPIENTS;
        } else if (intake == null) {
            startContent();
        }
        mode = Mode.BDAT;
        framer.startChunk(size);
        armTimer();
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
                        + (startTlsAvailable() ? " STARTTLS" : "") + (authAvailable() ? " AUTH" : ""),
                "See RFC 5321")));
    }

    // ---- STARTTLS and AUTH ------------------------------------------------------------------------

    private void startTls(String arg) {
        if (!arg.isEmpty()) {
            error(SmtpReply.of(501, "5.5.4", "Syntax: STARTTLS"));
        } else if (tls()) {
            error(SmtpReply.of(503, "5.5.1", "TLS already active"));
        } else if (session.authenticatedUser().isPresent()) {
            error(SmtpReply.of(503, "5.5.1", "STARTTLS is not allowed after AUTH"));
        } else if (connection.listener().tlsMode() != TlsMode.STARTTLS) {
            error(SmtpReply.of(502, "5.5.1", "STARTTLS not available"));
        } else {
            endTransaction("STARTTLS");
            StartTls.begin(ctx, FRAMER, () -> framer = newFramer(config),
                    Unpooled.wrappedBuffer(SmtpReply.of(220, "2.0.0", "Ready to start TLS").wireBytes()),
                    ssl -> {
                        // RFC 3207 4.2: forget everything learnt from the client in plaintext.
                        session.forget();
                        endTransaction("TLS started");
                        mode = Mode.COMMAND;
                        armTimer();
                    });
        }
    }

    private void auth(String arg) {
        Optional<SmtpReply> refusal = AuthCommand.refusal(config, session, tls(), transaction != null);
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
        sasl = exchange;
        mode = Mode.AUTH;
        authStep(exchange.begin(parts.length == 2 ? parts[1] : null));
    }

    private void authResponse(byte[] line) {
        authStep(sasl.respond(new String(line, StandardCharsets.US_ASCII)));
    }

    private void authStep(SaslExchange.Step step) {
        if (step instanceof SaslExchange.Challenge) {
            reply(SmtpReply.plain(334, ((SaslExchange.Challenge) step).base64()));
            return;
        }
        mode = Mode.COMMAND;
        sasl = null;
        if (step instanceof SaslExchange.Failure) {
            error(AuthCommand.failure((SaslExchange.Failure) step));
            return;
        }
        SaslExchange.Credentials credentials = (SaslExchange.Credentials) step;
        callHandler(true, AuthCommand.verify(config.authenticator().orElseThrow(), credentials), r -> {
            if (r.isPositive()) {
                session.authenticated(credentials.user());
                reply(r);
            } else {
                error(r);
            }
        });
    }

    // ---- message content --------------------------------------------------------------------------

    private void startContent() {
        intake = new MessageIntake(transaction, handler, serial, config.maxMessageSize(),
                () -> ctx.executor().execute(this::streamHasRoom));
    }

    private void content(byte[] bytes) {
        if (mode == Mode.BDAT && chunkRefusal != null || intake == null) {
            return;
        }
        if (!intake.add(bytes)) {
            waitingStream = true;
            pauseInput();
            // A handler that stops reading must not hold the session forever either.
            stall = ctx.executor().schedule(this::handlerStalled, config.handlerTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void streamHasRoom() {
        if (waitingStream) {
            waitingStream = false;
            stall.cancel(false);
            resumeInput();
        }
    }

    /** The handler read nothing for the handler timeout: the rest of the content is read and dropped, then 451. */
    private void handlerStalled() {
        if (!waitingStream) {
            return;
        }
        waitingStream = false;
        stalled = true;
        log.warn("SMTP handler for {} stopped reading the message for {}", connection.remoteAddress(), config.handlerTimeout());
        intake.abort("handler timeout");
        resumeInput();
    }

    private void contentEnd(LineProblem problem) {
        if (stalled) {
            stalled = false;
            mode = Mode.COMMAND;
            endTransaction("handler timeout");
            serial = new SerialExecutor(blocking); // the stuck onData keeps its thread, not this session
            reply(HANDLER_TIMEOUT);
            return;
        }
        if (mode == Mode.BDAT) {
            mode = Mode.COMMAND;
            if (chunkRefusal != null) {
                error(chunkRefusal);
                return;
            }
            if (!lastChunk && !intake.tooBig()) {
                reply(SmtpReply.of(250, "2.0.0", intake.size() + " octets received"));
                return;
            }
        }
        mode = Mode.COMMAND;
        SmtpReply refusal = null;
        if (problem == LineProblem.BARE_CR_OR_LF) {
            refusal = SmtpReply.of(550, "5.6.0", "Message refused: bare CR or LF in the message; lines end with CRLF");
        } else if (problem == LineProblem.TOO_LONG) {
            refusal = SmtpReply.of(550, "5.6.0", "Message refused: a line is longer than " + config.maxTextLine() + " octets");
        } else if (intake.tooBig()) {
            refusal = TOO_BIG;
        }
        CompletableFuture<SmtpReply> handlerReply = refusal != null ? intake.abort(refusal.lines().get(0)) : intake.complete();
        SmtpReply finalRefusal = refusal;
        awaitHandler(handlerReply, r -> {
            endTransaction("message done");
            if (finalRefusal != null) {
                error(finalRefusal);
            } else {
                reply(r);
            }
        });
    }

    // ---- plumbing ---------------------------------------------------------------------------------

    /**
     * Runs {@code work} on the blocking executor with reading paused, then {@code then} on the event loop;
     * when the handler keeps the method's default ({@code offLoop} false), runs both at once instead.
     */
    private void callHandler(boolean offLoop, Supplier<SmtpReply> work, Consumer<SmtpReply> then) {
        if (!offLoop) {
            then.accept(work.get());
            return;
        }
        CompletableFuture<SmtpReply> result = new CompletableFuture<>();
        serial.execute(() -> {
            SmtpReply r;
            try {
                r = work.get();
                if (r == null) {
                    throw new IllegalStateException("a handler returned no reply");
                }
            } catch (Throwable e) {
                log.debug("SMTP handler failed for {}: {}", connection.remoteAddress(), e.toString());
                r = SmtpReply.LOCAL_ERROR;
            }
            result.complete(r);
        });
        awaitHandler(result, then);
    }

    /**
     * Waits, with reading paused, for a handler's reply and passes it to {@code then} on the event loop;
     * a handler slower than the handler timeout gets the transaction ended and the client 451 instead.
     */
    private void awaitHandler(CompletableFuture<SmtpReply> result, Consumer<SmtpReply> then) {
        waitingHandler = true;
        pauseInput();
        boolean[] settled = {false};
        ScheduledFuture<?> deadline = ctx.executor().schedule(() -> {
            if (settled[0]) {
                return;
            }
            settled[0] = true;
            waitingHandler = false;
            log.warn("SMTP handler for {} gave no reply within {}: transaction ended", connection.remoteAddress(),
                    config.handlerTimeout());
            endTransaction("handler timeout"); // its onDone queues behind the stuck call, in order
            // The stuck call keeps its thread; this session's later calls must not queue behind it.
            serial = new SerialExecutor(blocking);
            if (!replies.closing() && ctx.channel().isActive()) {
                reply(HANDLER_TIMEOUT);
                resumeInput();
            }
        }, config.handlerTimeout().toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> ctx.executor().execute(() -> {
            if (settled[0]) {
                return;
            }
            settled[0] = true;
            deadline.cancel(false);
            waitingHandler = false;
            if (replies.closing() || !ctx.channel().isActive()) {
                return;
            }
            then.accept(r != null ? r : SmtpReply.LOCAL_ERROR);
            resumeInput();
        }));
    }

    private boolean busy() {
        return waitingHandler || mode == Mode.DATA || mode == Mode.BDAT;
    }

    private void pauseInput() {
        cancelTimer();
        framer.suspend();
        ReadPause.pause(ctx.channel(), READ_PAUSE);
    }

    private void resumeInput() {
        if (waitingHandler || waitingStream || replies.closing()) {
            return;
        }
        if (draining && !busy()) {
            goodbye(SHUTTING_DOWN);
            return;
        }
        armTimer();
        ReadPause.resume(ctx.channel(), READ_PAUSE);
        framer.resume();
    }

    private void endTransaction(String why) {
        if (intake != null) {
            intake.abort(why);
            intake = null;
        }
        if (handler != null && HandlerMethods.of(handler).onDone) {
            SmtpMessageHandler h = handler;
            serial.execute(() -> {
                try {
                    h.onDone();
                } catch (RuntimeException e) {
                    log.debug("message handler failed in onDone: {}", e.toString());
                }
            });
        }
        handler = null;
        transaction = null;
    }

    private void reply(SmtpReply r) {
        replies.reply(r);
    }

    /** A reply to a client mistake: counted, and too many end the session. */
    private void error(SmtpReply r) {
        if (replies.error(r)) {
            goodbye(TOO_MANY_ERRORS);
        }
    }

    private void goodbye(SmtpReply last) {
        if (replies.last(last)) {
            cancelTimer();
            framer.suspend();
            ReadPause.pause(ctx.channel(), READ_PAUSE);
        }
    }

    private void armTimer() {
        cancelTimer();
        if (replies.closing()) {
            return;
        }
        Duration d = mode == Mode.DATA || mode == Mode.BDAT ? config.dataTimeout() : config.commandTimeout();
        timer = ctx.executor().schedule(() -> goodbye(TIMEOUT), d.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
