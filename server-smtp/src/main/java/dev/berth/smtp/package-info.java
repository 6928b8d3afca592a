/**
 * An ESMTP receiver: {@link dev.berth.smtp.SmtpModule}, its settings ({@link dev.berth.smtp.SmtpConfig}),
 * the message-handler SPI ({@link dev.berth.smtp.SmtpMessageHandlerFactory},
 * {@link dev.berth.smtp.SmtpMessageHandler}, {@link dev.berth.smtp.MailTransaction}, typed
 * {@link dev.berth.smtp.SmtpReply} values), the durable {@link dev.berth.smtp.MaildirStore}, and the SPI
 * through which other modules add stores ({@link dev.berth.smtp.SmtpStore},
 * {@link dev.berth.smtp.SmtpStoreProvider}, chosen with {@code --smtp-store}).
 */
package dev.berth.smtp;
