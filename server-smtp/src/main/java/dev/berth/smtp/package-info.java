/**
 * An ESMTP receiver: {@link dev.berth.smtp.SmtpModule}, its settings ({@link dev.berth.smtp.SmtpConfig}),
 * the message-handler SPI ({@link dev.berth.smtp.SmtpMessageHandlerFactory},
 * {@link dev.berth.smtp.SmtpMessageHandler}, {@link dev.berth.smtp.MailTransaction}, typed
 * {@link dev.berth.smtp.SmtpReply} values) and the durable {@link dev.berth.smtp.MaildirStore}.
 */
package dev.berth.smtp;
