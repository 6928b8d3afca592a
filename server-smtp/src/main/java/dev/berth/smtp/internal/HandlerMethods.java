package dev.berth.smtp.internal;

import dev.berth.smtp.MailTransaction;
import dev.berth.smtp.SmtpMessageHandler;
/**
 * Which {@link SmtpMessageHandler} methods of a handler class must run on the blocking executor. A method
 * left at its default does nothing that could block, and a {@link SmtpMessageHandler.NonBlocking} handler
 * says none of its methods blocks, so the session calls those on the event loop instead of paying a trip to
 * the blocking executor and back (two thread hand-offs and a read pause) per command.
 */
final class HandlerMethods {
    private static final ClassValue<HandlerMethods> CACHE = new ClassValue<>() {
        @Override
        protected HandlerMethods computeValue(Class<?> type) {
            return new HandlerMethods(
                    SmtpMessageHandler.NonBlocking.class.isAssignableFrom(type),
                    implemented(type, "onMailFrom", MailTransaction.class),
                    implemented(type, "onRcptTo", MailTransaction.class, String.class),
                    implemented(type, "onDone"));
        }
    };

    /** The handler is a {@link SmtpMessageHandler.NonBlocking}: every call it allows runs on the event loop. */
    final boolean nonBlocking;
    /** {@code onMailFrom} runs on the blocking executor. */
    final boolean onMailFrom;
    /** {@code onRcptTo} runs on the blocking executor. */
    final boolean onRcptTo;
    /** {@code onDone} is implemented, so it is called at all. */
    final boolean onDone;

    private HandlerMethods(boolean nonBlocking, boolean onMailFrom, boolean onRcptTo, boolean onDone) {
        this.nonBlocking = nonBlocking;
        this.onMailFrom = onMailFrom && !nonBlocking;
        this.onRcptTo = onRcptTo && !nonBlocking;
        this.onDone = onDone;
    }

    static HandlerMethods of(SmtpMessageHandler handler) {
        return CACHE.get(handler.getClass());
    }

    private static boolean implemented(Class<?> type, String name, Class<?>... parameters) {
        try {
            return type.getMethod(name, parameters).getDeclaringClass() != SmtpMessageHandler.class;
        } catch (NoSuchMethodException | SecurityException e) {
            return true; // cannot tell: take the safe path and call it off the event loop
        }
    }
}
