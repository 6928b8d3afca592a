package dev.berth.smtp;

import java.io.IOException;
import java.io.InputStream;

/**
 * Receives one mail transaction. Every method runs on the server's blocking executor, never on an
 * event loop (unless the handler is {@link NonBlocking}), one at a time and in this order:
 * <ol>
 *   <li>{@link #onMailFrom} once;</li>
 *   <li>{@link #onRcptTo} once per RCPT command;</li>
 *   <li>{@link #onData} at most once, after DATA (or the first BDAT) with at least one recipient
 *       accepted, once the first 64 KiB of content or the whole message (if smaller) has arrived;</li>
 *   <li>{@link #onDone} exactly once, whatever happened: message stored or refused, RSET, a new
 *       EHLO, STARTTLS, QUIT or a dropped connection.</li>
 * </ol>
 * The reply a method returns goes to the client as given: a 2xx code accepts, a 4xx or 5xx code
 * refuses (a refused sender ends the transaction, and {@code onDone} follows; a refused recipient is
 * not added). A method must never return {@code null}: a null is a bug in the handler, not a
 * decision, and is answered like an exception, with {@code 451 4.3.0} (the client tries again later)
 * and a WARN log line naming the handler's class and the method. A null from {@link #onData} in
 * particular never accepts a message. A method that runs longer than the handler timeout
 * ({@code --smtp-handler-timeout}) gets the client {@code 451 4.3.0} as well, and ends the transaction.
 *
 * <p>While a method runs the server reads nothing from the client. A method left at its default is
 * not scheduled at all: a handler that only implements {@link #onData} costs one trip to the
 * blocking executor per message. A handler that never blocks can say so with {@link NonBlocking}
 * and save that trip too.
 */
public interface SmtpMessageHandler {

    /** The sender; refuse with e.g. {@code 550 5.7.1}. Never returns null. */
    default SmtpReply onMailFrom(MailTransaction transaction) {
        return SmtpReply.SENDER_OK;
    }

    /** One recipient, not yet in {@link MailTransaction#recipients()}; accepted ones are added after. Never returns null. */
    default SmtpReply onRcptTo(MailTransaction transaction, String recipient) {
        return SmtpReply.RECIPIENT_OK;
    }

    /**
     * The message content as the client sent it: CRLF line ends, dot-stuffing undone, without the
     * final {@code .} line. The stream ends at the end of the message; a read throws
     * {@link IOException} when the server has refused the message (too big, a bare CR or LF, the
     * connection lost), and then nothing may be kept. Return a 2xx reply only once the message is
     * safely stored: the client forgets it when it gets one. Never returns null.
     */
    SmtpReply onData(MailTransaction transaction, InputStream content) throws IOException;

    /** The transaction is over; release what it held. */
    default void onDone() {
    }

    /**
     * A handler that never blocks: no I/O that waits, no lock held by another thread, no waiting on a future
     * (hand such work to your own executor and keep the handler to what answers at once, or use a plain
     * {@link SmtpMessageHandler}). Its methods run on the session's event loop, in the same order and one at a
     * time, with no trip to the blocking executor and no read pause:
     * <ul>
     *   <li>{@link #onMailFrom}, {@link #onRcptTo} and {@link #onDone} always;</li>
     *   <li>{@link #onData} when the whole message is in memory when it starts (up to 64 KiB, or a message
     *       refused before that), so that its reads never wait. A larger message still streams to
     *       {@code onData} on the blocking executor; the {@code onDone} after it runs on the event loop once
     *       that call has left the executor, on the executor behind it otherwise.</li>
     * </ul>
     * A call made while an earlier call of the same session is still on the blocking executor (an
     * {@code onData} that streamed, its {@code onDone}) waits for it there, as for any handler, so the calls
     * stay one at a time and in order. The handler timeout does not apply to a call on the event loop:
     * nothing could stop it, and everything else on that loop waits for it. A null reply or an exception is answered {@code 451 4.3.0}, as for
     * any handler.
     */
    interface NonBlocking extends SmtpMessageHandler {
    }
}
