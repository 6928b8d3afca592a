package dev.berth.smtp.internal;

import dev.berth.smtp.SmtpConfig;
import dev.berth.smtp.SmtpReply;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The session's own clock (RFC 5321 4.5.3.2): a client silent for the command timeout, or for the
 * data timeout while it sends message content, gets {@code 421 4.4.2} and the connection closes.
 * These two decide in SMTP sessions rather than core's idle timer, whose events the session ignores.
 */
final class SessionTimer {
    static final SmtpReply TIMEOUT = SmtpReply.of(421, "4.4.2", "Timeout, closing connection");

    private final EventExecutor loop;
    private final Duration commandTimeout;
    private final Duration dataTimeout;
    private final Consumer<SmtpReply> goodbye;
    private ScheduledFuture<?> pending;

    /** A timer on {@code loop} that, when it runs out, ends the session with {@code goodbye} and a 421. */
    SessionTimer(EventExecutor loop, SmtpConfig config, Consumer<SmtpReply> goodbye) {
        this.loop = loop;
        this.commandTimeout = config.commandTimeout();
        this.dataTimeout = config.dataTimeout();
        this.goodbye = goodbye;
    }

    /** Starts the wait again: for message content when {@code inContent}, else for a command. */
    void restart(boolean inContent) {
        cancel();
        Duration d = inContent ? dataTimeout : commandTimeout;
        pending = loop.schedule(() -> goodbye.accept(TIMEOUT), d.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the wait: the session is not waiting on the client now. */
    void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
