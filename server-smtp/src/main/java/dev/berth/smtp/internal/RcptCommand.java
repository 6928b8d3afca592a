package dev.berth.smtp.internal;

import dev.berth.smtp.MailTransaction;
import dev.berth.smtp.SmtpConfig;
import dev.berth.smtp.SmtpMessageHandler;
import dev.berth.smtp.SmtpReply;

/**
 * RCPT TO (RFC 5321 4.1.1.3): one recipient, checked against the limits and accepted domains, then
 * offered to the handler's {@code onRcptTo}; it joins the transaction only if accepted.
 */
final class RcptCommand implements Command {

    @Override
    public void run(Session session, String argument) {
        CurrentTransaction current = session.transaction();
        if (!current.open()) {
            session.error(CurrentTransaction.NEED_MAIL);
            return;
        }
        if (current.intake() != null) {
            session.error(CurrentTransaction.BDAT_IN_PROGRESS);
            return;
        }
        PathParser.Parsed path;
        try {
            path = PathParser.parseRcptTo(argument);
        } catch (SmtpRefusal e) {
            session.error(e.reply());
            return;
        }
        session.events().address("to", path.address());
        if (!path.parameters().isEmpty()) {
            session.error(SmtpReply.of(555, "5.5.4", "RCPT parameter " + path.parameters().keySet().iterator().next()
                    + " not recognized"));
            return;
        }
        MailTransaction tx = current.get();
        if (path.nonAscii() && !tx.smtpUtf8()) {
            session.error(SmtpReply.of(553, "5.6.7", "Non-ASCII address needs SMTPUTF8 on MAIL FROM"));
            return;
        }
        SmtpConfig config = session.config();
        if (tx.recipients().size() >= config.maxRecipients()) {
            // RFC 5321 4.5.3.1.10: a limit of this server, not a client mistake, so it does not count as an error.
            session.reply(SmtpReply.of(452, "4.5.3", "Too many recipients"));
            return;
        }
        if (!path.domain().isEmpty() && !config.acceptsDomain(path.domain())) {
            session.error(SmtpReply.of(550, "5.1.1", "Recipient domain " + path.domain() + " is not accepted here"));
            return;
        }
        String recipient = path.address();
        SmtpMessageHandler h = current.handler();
        session.calls().call(h, "onRcptTo", HandlerMethods.of(h).onRcptTo, () -> h.onRcptTo(tx, recipient), r -> {
            if (r.isPositive()) {
                current.addRecipient(tx, recipient);
            }
            session.reply(r);
        });
    }
}
