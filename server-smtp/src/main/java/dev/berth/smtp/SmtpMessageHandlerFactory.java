package dev.berth.smtp;

/** Makes the handler for each new mail transaction; {@link MaildirStore} is the default. */
@FunctionalInterface
public interface SmtpMessageHandlerFactory {

    /** A handler for one transaction that starts in {@code session}; called when MAIL FROM arrives. */
    SmtpMessageHandler create(SmtpSession session);
}
