package dev.berth.smtp;

import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.Drain;
import dev.berth.core.tls.StartTls;
import dev.berth.core.tls.TlsMode;
import dev.berth.smtp.internal.PathParser;
import dev.berth.smtp.internal.SaslExchange;
import dev.berth.smtp.internal.SerialExecutor;
import dev.berth.smtp.internal.SmtpFrame;
import dev.berth.smtp.internal.SmtpFrame.LineProblem;
import dev.berth.smtp.internal.SmtpFramer;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP server's state machine for one connection: commands in, replies out, the transaction
 * handed to a {@link SmtpMessageHandler} on the blocking executor while reading is paused.
 */
final class SmtpSessionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(SmtpSessionHandler.class);
    static final String FRAMER = "smtp.framer";
    static final String NAME = "smtp.session";

    private static final SmtpReply TIMEOUT = SmtpReply.of(421, "4.4.2", "Timeout, closing connection");
    private static final SmtpReply SHUTTING_DOWN = SmtpReply.of(421, "4.3.2", "Service shutting down, closing connection");
    private static final SmtpReply TOO_MANY_ERRORS = SmtpReply.of(421, "4.7.0", "Too many errors, closing connection");
    private static final SmtpReply OK = SmtpReply.of(250, "2.0.0", "OK");
    private static final SmtpReply BAD_SEQUENCE_MAIL = SmtpReply.of(503, "5.5.1", "Bad sequence of commands: need MAIL first");
    private static final SmtpReply NO_RECIPIENTS = SmtpReply.of(554, "5.5.1", "No valid recipients");
    private static final SmtpReply TOO_BIG = SmtpReply.of(552, "5.3.4", "Message size exceeds fixed maximum message size");

    private enum Mode { COMMAND, DATA, BDAT, AUTH }

    private final SmtpConfig config;
    private final SmtpMessageHandlerFactory factory;
    private final ConnectionContext connection;
    private final SessionState session;
    private final SerialExecutor serial;
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
    private boolean closing;
    private boolean greetingDeferred;
    private int errors;
    private ScheduledFuture<?> timer;

    SmtpSessionHandler(SmtpConfig config, SmtpMessageHandlerFactory factory, ConnectionContext connection,
                       SmtpFramer framer, Executor blocking) {
        this.config = config;
        this.factory = factory;
        this.connection = connection;
        this.framer = framer;
        this.session = new SessionState(connection, config.serverName());
        this.serial = new SerialExecutor(blocking);
    }

    /** A framer with this configuration's line limits. */
    static SmtpFramer newFramer(SmtpConfig config) {
        return new SmtpFramer(config.maxCommandLine(), config.maxTextLine());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // With implicit TLS the greeting is the first thing said inside TLS: it waits for the handshake.
        greetingDeferred = connection.listener().tlsMode() == TlsMode.IMPLICIT;
        if (!greetingDeferred) {
            greet();
        }
        ctx.fireChannelActive();
    }

    private void greet() {
        reply(SmtpReply.plain(220, config.serverName() + " ESMTP Berth ready"));
        armTimer();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
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
        if (evt instanceof SslHandshakeCompletionEvent) {
            if (greetingDeferred && ((SslHandshakeCompletionEvent) evt).isSuccess()) {
                greetingDeferred = false;
                greet();
            }
            ctx.fireUserEventTriggered(evt);
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
        if (closing) {
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
        String line;
        try {
            line = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            error(SmtpReply.of(500, "5.5.2", "Command is not valid UTF-8"));
            return;
        }
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String arg = space < 0 ? "" : line.substring(space + 1);
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
        try {
            path = PathParser.parseMailFrom(arg);
        } catch (PathParser.PathException e) {
            error(e.getMessage().startsWith("Syntax") ? SmtpReply.of(501, "5.5.4", e.getMessage())
                    : SmtpReply.of(501, "5.1.7", "Bad sender address: " + e.getMessage()));
            return;
        }
        OptionalLong size = OptionalLong.empty();
        MailTransaction.BodyType body = MailTransaction.BodyType.SEVEN_BIT;
        boolean utf8 = false;
        for (Map.Entry<String, String> p : path.parameters().entrySet()) {
            String v = p.getValue();
            switch (p.getKey()) {
                case "SIZE":
                    if (!v.matches("[0-9]{1,18}")) {
                        error(SmtpReply.of(501, "5.5.4", "Syntax: SIZE=octets"));
                        return;
                    }
                    size = OptionalLong.of(Long.parseLong(v));
                    if (size.getAsLong() > config.maxMessageSize()) {
                        error(TOO_BIG);
                        return;
                    }
                    break;
                case "BODY":
                    if (v.equalsIgnoreCase("7BIT")) {
                        body = MailTransaction.BodyType.SEVEN_BIT;
                    } else if (v.equalsIgnoreCase("8BITMIME")) {
                        body = MailTransaction.BodyType.EIGHT_BIT_MIME;
                    } else {
                        error(SmtpReply.of(501, "5.5.4", "Syntax: BODY=7BIT or BODY=8BITMIME"));
                        return;
                    }
                    break;
                case "SMTPUTF8":
                    if (!v.isEmpty()) {
                        error(SmtpReply.of(501, "5.5.4", "SMTPUTF8 takes no value"));
                        return;
                    }
                    utf8 = true;
                    break;
                case "AUTH":
                    break; // RFC 4954 5: we do not relay, so the original submitter is of no use here
                default:
                    error(SmtpReply.of(555, "5.5.4", "MAIL parameter " + p.getKey() + " not recognized"));
                    return;
            }
        }
        if (path.nonAscii() && !utf8) {
            error(SmtpReply.of(553, "5.6.7", "Non-ASCII address needs the SMTPUTF8 parameter"));
            return;
        }
        MailTransaction tx = new MailTransaction(session, path.address(), size, body, utf8);
        SmtpMessageHandler h = factory.create(session);
        transaction = tx;
        handler = h;
        callHandler(() -> h.onMailFrom(tx), r -> {
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
        } catch (PathParser.PathException e) {
            error(e.getMessage().startsWith("Syntax") ? SmtpReply.of(501, "5.5.4", e.getMessage())
                    : SmtpReply.of(501, "5.1.3", "Bad recipient address: " + e.getMessage()));
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
        callHandler(() -> h.onRcptTo(tx, recipient), r -> {
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
        String[] parts = arg.trim().split(" +");
        if (parts.length < 1 || parts.length > 2 || !parts[0].matches("[0-9]{1,18}")
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
        if (config.authenticator().isEmpty()) {
            error(SmtpReply.of(502, "5.5.1", "AUTH not available"));
            return;
        }
        if (!tls()) {
            error(SmtpReply.of(538, "5.7.11", "Encryption required for requested authentication mechanism"));
            return;
        }
        if (session.heloName().isEmpty() || !session.extended()) {
            error(SmtpReply.of(503, "5.5.1", "Bad sequence of commands: send EHLO first"));
            return;
        }
        if (session.authenticatedUser().isPresent()) {
            error(SmtpReply.of(503, "5.5.1", "Already authenticated"));
            return;
        }
        if (transaction != null) {
            error(SmtpReply.of(503, "5.5.1", "AUTH is not allowed during a mail transaction"));
            return;
        }
        String[] parts = arg.trim().split(" +");
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
            switch (((SaslExchange.Failure) step).reason()) {
                case CANCELED:
                    error(SmtpReply.of(501, "5.0.0", "Authentication canceled"));
                    break;
                case NOT_BASE64:
                    error(SmtpReply.of(501, "5.5.2", "Cannot decode the base64 response"));
                    break;
                default:
                    error(SmtpReply.of(535, "5.7.8", "Authentication credentials invalid"));
            }
            return;
        }
        SaslExchange.Credentials credentials = (SaslExchange.Credentials) step;
        String user = credentials.user();
        String password = credentials.password();
        SmtpAuthenticator authenticator = config.authenticator().orElseThrow();
        callHandler(() -> {
            char[] secret = password.toCharArray();
            try {
                return authenticator.authenticate(user, secret)
                        ? SmtpReply.of(235, "2.7.0", "Authentication successful")
                        : SmtpReply.of(535, "5.7.8", "Authentication credentials invalid");
            } finally {
                java.util.Arrays.fill(secret, '\0');
            }
        }, r -> {
            if (r.isPositive()) {
                session.authenticated(user);
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
        }
    }

    private void streamHasRoom() {
        if (waitingStream) {
            waitingStream = false;
            resumeInput();
        }
    }

    private void contentEnd(LineProblem problem) {
        if (mode == Mode.BDAT) {
            mode = Mode.COMMAND;
            if (chunkRefusal != null) {
                error(chunkRefusal);
                return;
            }
            if (intake.tooBig()) {
                endTransaction("too big");
                error(TOO_BIG);
                return;
            }
            if (!lastChunk) {
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
        waitingHandler = true;
        pauseInput();
        handlerReply.whenComplete((r, e) -> ctx.executor().execute(() -> {
            waitingHandler = false;
            endTransaction("message done");
            if (finalRefusal != null) {
                error(finalRefusal);
            } else {
                reply(r);
            }
            resumeInput();
        }));
    }

    // ---- plumbing ---------------------------------------------------------------------------------

    /** Runs {@code work} on the blocking executor with reading paused, then {@code then} on the event loop. */
    private void callHandler(Supplier<SmtpReply> work, Consumer<SmtpReply> then) {
        waitingHandler = true;
        pauseInput();
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
            SmtpReply reply = r;
            ctx.executor().execute(() -> {
                waitingHandler = false;
                if (closing || !ctx.channel().isActive()) {
                    return;
                }
                then.accept(reply);
                resumeInput();
            });
        });
    }

    private boolean busy() {
        return waitingHandler || mode == Mode.DATA || mode == Mode.BDAT;
    }

    private void pauseInput() {
        cancelTimer();
        framer.suspend();
        ctx.channel().config().setAutoRead(false);
    }

    private void resumeInput() {
        if (waitingHandler || waitingStream || closing) {
            return;
        }
        if (draining && !busy()) {
            goodbye(SHUTTING_DOWN);
            return;
        }
        armTimer();
        ctx.channel().config().setAutoRead(true);
        framer.resume();
    }

    private void endTransaction(String why) {
        if (intake != null) {
            intake.abort(why);
            intake = null;
        }
        if (handler != null) {
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
        if (!closing) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(r.wireBytes()));
        }
    }

    /** A reply to a client mistake: counted, and too many end the session. */
    private void error(SmtpReply r) {
        reply(r);
        if (++errors >= config.maxErrors()) {
            goodbye(TOO_MANY_ERRORS);
        }
    }

    private void goodbye(SmtpReply last) {
        if (closing) {
            return;
        }
        reply(last);
        closing = true;
        cancelTimer();
        framer.suspend();
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void armTimer() {
        cancelTimer();
        if (closing) {
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
