package dev.berth.smtp.internal;

import dev.berth.smtp.MailTransaction;
import dev.berth.smtp.SmtpMessageHandler;
/**
 * Which optional {@link SmtpMessageHandler} methods a handler class implements. A method left at its
 * default does nothing that could block, so the session answers it on the event loop instead of
 * paying a trip to the blocking executor and back (two thread hand-offs and a read pause) per command.
 */
final class HandlerMethods {
    private static final ClassValue<HandlerMethods> CACHE = new ClassValue<>() {
        @Override
        protected HandlerMethods computeValue(Class<?> type) {
            return new HandlerMethods(
                    implemented(type, "onMailFrom", MailTransaction.class),
                    implemented(type, "onRcptTo", MailTransaction.class, String.class),
                    implemented(type, "onDone"));
        }
    };

    final boolean onMailFrom;
    final boolean onRcptTo;
    final boolean onDone;

    private HandlerMethods(boolean onMailFrom, boolean onRcptTo, boolean onDone) {
        this.onMailFrom = onMailFrom;
        this.onRcptTo = onRcptTo;
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
