package dev.berth.smtp.internal;

import dev.berth.smtp.SmtpConfig;
import dev.berth.smtp.SmtpReply;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The session's own clock (RFC 5321 4.5.3.2): a client silent for the command timeout, or for the
 * data timeout while it sends message content, gets {@code 421 4.4.2} and the connection closes.
 * These two decide in SMTP sessions rather than core's idle timer, whose events the session ignores.
 */
final class SessionTimer implements Runnable {
    static final SmtpReply TIMEOUT = SmtpReply.of(421, "4.4.2", "Timeout, closing connection");

    private final EventExecutor loop;
    private final long commandTimeout;
    private final long dataTimeout;
    private final Consumer<SmtpReply> goodbye;
    /** The check scheduled on the loop, or null; it may be due before or after the wait's end. */
    private ScheduledFuture<?> pending;
    /** When {@link #pending} runs, on the loop's clock ({@code loop.ticker()}, which a test can move). */
    private long checkAt;
    /** The wait: from {@code since}, for {@code timeout} nanoseconds, while {@code waiting}. */
    private long since;
    private long timeout;
    private boolean waiting;

    /** A timer on {@code loop} that, when it runs out, ends the session with {@code goodbye} and a 421. */
    SessionTimer(EventExecutor loop, SmtpConfig config, Consumer<SmtpReply> goodbye) {
        this.loop = loop;
        this.commandTimeout = config.commandTimeout().toNanos();
        this.dataTimeout = config.dataTimeout().toNanos();
        this.goodbye = goodbye;
    }

    /**
     * Starts the wait again: for message content when {@code inContent}, else for a command. Called for every
     * command and every piece of content, so it only notes the time: the check already scheduled stays, unless
     * this wait ends before it, and when it runs it looks at the latest wait and schedules itself again for
     * what is left (the way Netty's idle timer works), instead of a cancel and a schedule per call.
     */
    void restart(boolean inContent) {
        since = loop.ticker().nanoTime();
        timeout = inContent ? dataTimeout : commandTimeout;
        waiting = true;
        long end = since + timeout;
        if (pending != null && end - checkAt < 0) {
            pending.cancel(false);
            pending = null;
        }
        if (pending == null) {
            schedule(end);
        }
    }

    /** Stops the wait while the session is not waiting on the client (a handler call); {@link #restart} resumes it. */
    void pause() {
        waiting = false;
    }

    /** Stops the clock for good: the session has ended, or is ending. */
    void cancel() {
        waiting = false;
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    @Override
    public void run() {
        pending = null;
        if (!waiting) {
            return;
        }
        long end = since + timeout;
        if (end - loop.ticker().nanoTime() <= 0) {
            waiting = false;
            goodbye.accept(TIMEOUT);
        } else {
            schedule(end);
        }
    }

    private void schedule(long end) {
        checkAt = end;
        pending = loop.schedule(this, Math.max(0, end - loop.ticker().nanoTime()), TimeUnit.NANOSECONDS);
    }
}
