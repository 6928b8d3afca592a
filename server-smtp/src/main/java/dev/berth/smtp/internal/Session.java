package dev.berth.smtp.internal;

import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.Drain;
import dev.berth.core.tls.TlsMode;
import dev.berth.smtp.MailTransaction;
import dev.berth.smtp.SmtpConfig;
import dev.berth.smtp.SmtpMessageHandlerFactory;
import dev.berth.smtp.SmtpReply;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One SMTP session as its commands see it: what it has learnt, the mail transaction in progress,
 * the replies going out, and whether the client is being read at all. Used on the connection's
 * event loop only.
 */
public final class Session {
    /** The name of the session's {@link SmtpFramer} in the pipeline; STARTTLS puts a fresh one there. */
    public static final String FRAMER = "smtp.framer";
    static final SmtpReply SHUTTING_DOWN = SmtpReply.of(421, "4.3.2", "Service shutting down, closing connection");
    static final SmtpReply TOO_MANY_ERRORS = SmtpReply.of(421, "4.7.0", "Too many errors, closing connection");

    private final SmtpConfig config;
    private final ConnectionContext connection;
    private final SessionState state;
    private final ChannelHandlerContext ctx;
    private final ReplyWriter replies;
    private final SessionTimer timer;
    private final HandlerCalls calls;
    private final CurrentTransaction transaction;
    private final MessageContent content;
    private final ClientInput input;
    private final SessionEvents events;
    private Consumer<byte[]> nextLine;
    private boolean draining;

    /**
     * A session on the channel of {@code ctx} (the session handler's context), reading through
     * {@code framer}, calling handlers from {@code factory} on {@code blocking}; {@code addRecipient}
     * is how an accepted recipient joins its transaction; what it does is counted in {@code meters}
     * (its listener's) and written to the session log.
     */
    public Session(SmtpConfig config, ConnectionContext connection, ChannelHandlerContext ctx, SmtpFramer framer,
                   SmtpMessageHandlerFactory factory, Executor blocking,
                   BiConsumer<MailTransaction, String> addRecipient, SmtpMeters meters) {
        this.config = config;
        this.connection = connection;
        this.ctx = ctx;
        this.events = new SessionEvents(connection, meters);
        this.input = new ClientInput(ctx.channel(), config, framer);
        this.state = new SessionState(connection, config.serverName());
        this.replies = new ReplyWriter(ctx, config.maxErrors());
        this.timer = new SessionTimer(ctx.executor(), config, this::goodbye);
        this.calls = new HandlerCalls(this, blocking, config.handlerTimeout());
        this.transaction = new CurrentTransaction(factory, calls, addRecipient, events);
        this.content = new MessageContent(this);
        Drain.describeInFlight(ctx.channel(), this::inFlight);
    }

    /** A framer with {@code config}'s line limits. */
    public static SmtpFramer newFramer(SmtpConfig config) {
        return ClientInput.newFramer(config);
    }

    /** The connection is up (on implicit TLS: the handshake is done): greet and wait for a command. */
    public void greet() {
        events.connected();
        reply(SmtpReply.plain(220, config.serverName() + " ESMTP Berth ready"));
        restartTimer();
    }

    /** The connection is gone: stop the clocks and end the transaction. */
    public void closed() {
        timer.cancel();
        content.closed();
        transaction.end("connection closed");
        events.disconnected();
    }

    /**
     * The server is stopping: say goodbye now when idle (an envelope begun with MAIL and RCPT is not
     * work under way), else once the message under way, or the handler's answer, is answered.
     */
    public void drain() {
        draining = true;
        goodbyeIfDrainedAndIdle();
    }

    /** After a command or content: a draining session that has nothing left under way says goodbye. */
    public void goodbyeIfDrainedAndIdle() {
        if (draining && !busy()) {
            goodbye(SHUTTING_DOWN);
        }
    }

    /**
     * True while a handler call, message content or a BDAT transaction between its chunks is under
     * way: a drain waits for it.
     */
    boolean busy() {
        return input.held(ClientInput.Hold.HANDLER) || content.active() || transaction.intake() != null;
    }

    /** What a drain deadline would cut, for the line logged when it does; null when idle. */
    String inFlight() {
        if (replies.closing()) {
            return null;
        }
        String message = content.describe();
        if (message != null) {
            return message;
        }
        if (input.held(ClientInput.Hold.HANDLER)) {
            return "waiting for the message handler's answer";
        }
        return null;
    }

    /** Writes {@code r}. */
    void reply(SmtpReply r) {
        if (!replies.closing()) {
            events.replied(r);
        }
        replies.reply(r);
    }

    /** Writes a reply to a client mistake: counted, and too many end the session. */
    public void error(SmtpReply r) {
        if (!replies.closing()) {
            events.replied(r);
        }
        if (replies.error(r)) {
            goodbye(TOO_MANY_ERRORS);
        }
    }

    /** Writes {@code last}, reads nothing more and closes once it is out. */
    void goodbye(SmtpReply last) {
        if (replies.closing()) {
            return;
        }
        // input stops first: the last reply's write may begin the lingering close at once, which reads on
        timer.cancel();
        input.stop();
        replies.last(last);
        events.goodbye(last);
    }

    /** True once the last reply is written: input is ignored from then on. */
    public boolean closing() {
        return replies.closing();
    }

    /** True while replies can still reach the client. */
    boolean open() {
        return !replies.closing() && ctx.channel().isActive();
    }

    /** The client said something: its clock starts again (the data timeout while content flows). */
    public void restartTimer() {
        if (replies.closing()) {
            timer.cancel();
        } else {
            timer.restart(content.active());
        }
    }

    /** Stops reading from the client, and its clock, until {@code why} is released. */
    void hold(ClientInput.Hold why) {
        timer.pause();
        input.hold(why);
    }

    /** Ends {@code why}; reading resumes when nothing else holds it (or, when draining, the session ends). */
    void release(ClientInput.Hold why) {
        if (!input.release(why) || replies.closing()) {
            return;
        }
        if (draining && !busy()) {
            goodbye(SHUTTING_DOWN);
            return;
        }
        restartTimer();
        input.resume();
    }

    /** Sends the client's next command line to {@code consumer} instead of the commands (an AUTH exchange). */
    void nextLineTo(Consumer<byte[]> consumer) {
        nextLine = consumer;
    }

    /** The consumer waiting for the next line, if any, which no longer waits. */
    public Consumer<byte[]> takeNextLine() {
        Consumer<byte[]> c = nextLine;
        nextLine = null;
        return c;
    }

    /** True once the connection speaks TLS. */
    boolean tls() {
        return connection.tlsSession().isPresent();
    }

    /** True when EHLO should offer STARTTLS: the listener allows it, and neither TLS nor AUTH happened yet. */
    boolean offersStartTls() {
        return connection.listener().tlsMode() == TlsMode.STARTTLS && !tls() && state.authenticatedUser().isEmpty();
    }

    /** True when EHLO should offer AUTH: users are configured, the connection speaks TLS, nobody has logged in. */
    boolean offersAuth() {
        return config.authenticator().isPresent() && tls() && state.authenticatedUser().isEmpty();
    }

    SmtpConfig config() {
        return config;
    }

    ConnectionContext connection() {
        return connection;
    }

    SessionState state() {
        return state;
    }

    CurrentTransaction transaction() {
        return transaction;
    }

    HandlerCalls calls() {
        return calls;
    }

    /** A command line arrived: {@code verb} in upper case, or null when the line is not a readable command. */
    public void command(String verb) {
        events.command(verb);
    }

    /** What the session did so far, for the meters and the session log. */
    SessionEvents events() {
        return events;
    }

    public MessageContent content() {
        return content;
    }

    ClientInput input() {
        return input;
    }

    ChannelHandlerContext ctx() {
        return ctx;
    }

    EventExecutor loop() {
        return ctx.executor();
    }
}
