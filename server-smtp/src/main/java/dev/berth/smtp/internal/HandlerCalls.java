package dev.berth.smtp.internal;

import dev.berth.smtp.SmtpMessageHandler;
import dev.berth.smtp.SmtpReply;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls from one session into its message handler (and its authenticator): on the blocking
 * executor, one at a time in the order made, with reading paused until the reply is in, which then
 * goes to the client; on the event loop instead for a method left at its default, and for a
 * {@link SmtpMessageHandler.NonBlocking} handler when none of the session's calls is still on the pool. A call that throws or returns null is answered {@code 451 4.3.0}; a call
 * slower than the handler timeout ends the transaction and is answered {@code 451 4.3.0} too, and
 * keeps its thread but not the session's queue.
 */
final class HandlerCalls {
    private static final Logger log = LoggerFactory.getLogger(HandlerCalls.class);

    /** The reply to a call that outlived the handler timeout. */
    static final SmtpReply TIMED_OUT = SmtpReply.of(451, "4.3.0", "Local error in processing: the handler timed out");

    private final Session session;
    private final Executor blocking;
    private final Duration timeout;
    private SerialExecutor queue;

    HandlerCalls(Session session, Executor blocking, Duration timeout) {
        this.session = session;
        this.blocking = blocking;
        this.timeout = timeout;
        this.queue = new SerialExecutor(blocking);
    }

    /**
     * Calls {@code method} of {@code handler} and hands its reply to {@code then} on the event loop:
     * at once when {@code offLoop} is false (a method left at its default, which cannot block), else
     * from the blocking executor with reading paused meanwhile.
     */
    void call(Object handler, String method, boolean offLoop, Callable<SmtpReply> work, Consumer<SmtpReply> then) {
        // a non-blocking handler's own method waits, as any call, for the session's calls still on the pool
        if (!offLoop && (!(handler instanceof SmtpMessageHandler.NonBlocking) || queue.idle())) {
            then.accept(replyOf(handler, method, work));
            return;
        }
        await(submit(handler, method, work), then, () -> { });
    }

    /** Queues a call on the blocking executor, behind this session's earlier calls; completes with its reply. */
    CompletableFuture<SmtpReply> submit(Object handler, String method, Callable<SmtpReply> work) {
        CompletableFuture<SmtpReply> result = new CompletableFuture<>();
        queue.execute(() -> result.complete(replyOf(handler, method, work)));
        return result;
    }

    /**
     * Makes a call on the event loop, now, when no earlier call of this session is still queued or running on
     * the blocking executor (so that the calls stay one at a time and in order); returns null otherwise.
     */
    CompletableFuture<SmtpReply> now(Object handler, String method, Callable<SmtpReply> work) {
        return queue.idle() ? CompletableFuture.completedFuture(replyOf(handler, method, work)) : null;
    }

    /**
     * Queues a call that needs no answer (such as {@code onDone}), behind the earlier ones; a failure is only
     * logged. With {@code onLoop}, it runs now when nothing is queued.
     */
    void tell(Object handler, String method, boolean onLoop, Runnable work) {
        if (onLoop && queue.idle()) {
            try {
                work.run();
            } catch (Throwable e) {
                log.debug("{}.{} failed for {}: {}", handler.getClass().getName(), method, remote(), e.toString());
            }
            return;
        }
        queue.execute(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                log.debug("{}.{} failed for {}: {}", handler.getClass().getName(), method, remote(), e.toString());
            }
        });
    }

    /**
     * Waits, with reading paused, for a reply and hands it to {@code then} on the event loop; when the
     * handler timeout passes first, the transaction ends, the client gets {@code 451 4.3.0} and the
     * late reply is ignored, after {@code onTimeout} has run.
     */
    void await(CompletableFuture<SmtpReply> result, Consumer<SmtpReply> then, Runnable onTimeout) {
        EventExecutor loop = session.loop();
        if (result.isDone() && loop.inEventLoop()) {
            // made on the event loop (a non-blocking handler): nothing to wait for, nor to pause reading for
            SmtpReply r = result.getNow(null);
            if (session.open()) {
                then.accept(r != null ? r : SmtpReply.LOCAL_ERROR);
                session.restartTimer(); // as the release of a hold does: the wait for a command, not for content
            }
            return;
        }
        session.hold(ClientInput.Hold.HANDLER);
        boolean[] settled = {false};
        ScheduledFuture<?> deadline = loop.schedule(() -> {
            if (settled[0]) {
                return;
            }
            settled[0] = true;
            log.warn("SMTP handler for {} gave no reply within {}: transaction ended", remote(), timeout);
            onTimeout.run();
            abandon("handler timeout");
            if (session.open()) {
                session.reply(TIMED_OUT);
                session.release(ClientInput.Hold.HANDLER);
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> loop.execute(() -> {
            if (settled[0]) {
                return;
            }
            settled[0] = true;
            deadline.cancel(false);
            if (session.open()) {
                then.accept(r != null ? r : SmtpReply.LOCAL_ERROR);
                session.release(ClientInput.Hold.HANDLER);
            }
        }));
    }

    /**
     * Gives up on a call that outlived the handler timeout: the transaction ends (its {@code onDone}
     * queues behind the stuck call, in order) and this session's later calls go to a fresh queue.
     */
    void abandon(String why) {
        session.transaction().end(why, TIMED_OUT);
        queue = new SerialExecutor(blocking);
    }

    /** How long a call may take. */
    Duration timeout() {
        return timeout;
    }

    /** What a call returned, or {@code 451 4.3.0} when it threw or returned null (never a reply at all). */
    private SmtpReply replyOf(Object handler, String method, Callable<SmtpReply> work) {
        SmtpReply r;
        try {
            r = work.call();
        } catch (Throwable e) {
            log.debug("{}.{} failed for {}: {}", handler.getClass().getName(), method, remote(), e.toString());
            return SmtpReply.LOCAL_ERROR;
        }
        if (r == null) {
            // A bug in the handler, not a decision: it must not pass for one, least of all as "stored".
            log.warn("{}.{} returned null for {}, but must return an SmtpReply: the client gets 451 4.3.0",
                    handler.getClass().getName(), method, remote());
            return SmtpReply.LOCAL_ERROR;
        }
        return r;
    }

    private Object remote() {
        return session.connection().remoteAddress();
    }
}
