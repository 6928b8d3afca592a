package dev.berth.smtp.internal;

import dev.berth.smtp.MailTransaction;
import dev.berth.smtp.SmtpMessageHandler;
import dev.berth.smtp.SmtpMessageHandlerFactory;
import dev.berth.smtp.SmtpReply;
import java.util.function.BiConsumer;

/**
 * The session's mail transaction in progress, if any: its envelope, the handler made for it and its
 * content on the way. Ending it, for whatever reason, always reaches the handler's {@code onDone}.
 */
final class CurrentTransaction {
    static final SmtpReply NEED_MAIL = SmtpReply.of(503, "5.5.1", "Bad sequence of commands: need MAIL first");
    static final SmtpReply NO_RECIPIENTS = SmtpReply.of(554, "5.5.1", "No valid recipients");
    static final SmtpReply BDAT_IN_PROGRESS = SmtpReply.of(503, "5.5.1", "Bad sequence of commands: BDAT in progress");

    private final SmtpMessageHandlerFactory factory;
    private final HandlerCalls calls;
    private final BiConsumer<MailTransaction, String> addRecipient;
    private final SessionEvents events;
    private MailTransaction tx;
    private SmtpMessageHandler handler;
    private MessageIntake intake;

    CurrentTransaction(SmtpMessageHandlerFactory factory, HandlerCalls calls,
                       BiConsumer<MailTransaction, String> addRecipient, SessionEvents events) {
        this.factory = factory;
        this.events = events;
        this.calls = calls;
        this.addRecipient = addRecipient;
    }

    /** Starts {@code transaction} with a new handler from the factory, and returns that handler. */
    SmtpMessageHandler begin(MailTransaction transaction) {
        SmtpMessageHandler h = factory.create(transaction.session());
        tx = transaction;
        handler = h;
        return h;
    }

    /** True between MAIL and the end of the transaction. */
    boolean open() {
        return tx != null;
    }

    /** The transaction in progress, or null. */
    MailTransaction get() {
        return tx;
    }

    /** The handler made for the transaction in progress, or null. */
    SmtpMessageHandler handler() {
        return handler;
    }

    /** True while {@code transaction} is still the one in progress (a late reply may find it gone). */
    boolean is(MailTransaction transaction) {
        return transaction != null && tx == transaction;
    }

    /** Adds an accepted recipient, if {@code transaction} is still the one in progress. */
    void addRecipient(MailTransaction transaction, String recipient) {
        if (is(transaction)) {
            addRecipient.accept(transaction, recipient);
        }
    }

    /** The content intake, once DATA or the first BDAT started one. */
    MessageIntake intake() {
        return intake;
    }

    /** Starts taking in content for the handler; {@code onRoom} runs on the handler's thread when a full stream has drained. */
    MessageIntake startIntake(long maxSize, Runnable onRoom) {
        intake = new MessageIntake(tx, handler, calls, maxSize, onRoom);
        return intake;
    }

    /** Ends the transaction, if there is one, without an answer to its message (RSET, STARTTLS, ...): it was aborted. */
    void end(String why) {
        end(why, null);
    }

    /**
     * Ends the transaction, if there is one, as {@code answer} (the reply to its sender or its message;
     * null when aborted) decided: content still coming is refused, and the handler's {@code onDone} is queued.
     */
    void end(String why, SmtpReply answer) {
        if (tx != null) {
            events.transactionEnded(answer);
        }
        if (intake != null) {
            intake.abort(why);
            intake = null;
        }
        if (handler != null && HandlerMethods.of(handler).onDone) {
            SmtpMessageHandler h = handler;
            calls.tell(h, "onDone", HandlerMethods.of(h).nonBlocking, h::onDone);
        }
        handler = null;
        tx = null;
    }
}
