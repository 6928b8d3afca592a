package dev.berth.smtp;

import java.io.IOException;
import java.io.InputStream;

/**
 * Receives one mail transaction. Every method runs on the server's blocking executor, never on an
 * event loop, one at a time and in this order:
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
 * blocking executor per message.
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
}
