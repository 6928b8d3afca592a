package dev.berth.smtp.internal;

import dev.berth.smtp.MailTransaction;
import dev.berth.smtp.SmtpMessageHandler;
import dev.berth.smtp.SmtpReply;

/**
 * MAIL FROM (RFC 5321 4.1.1.2, with SIZE, BODY, SMTPUTF8 and AUTH parameters): starts a transaction
 * with a new handler, whose {@code onMailFrom} accepts or refuses the sender.
 */
final class MailCommand implements Command {

    @Override
    public void run(Session session, String argument) {
        if (session.state().heloName().isEmpty()) {
            session.error(SmtpReply.of(503, "5.5.1", "Bad sequence of commands: send EHLO or HELO first"));
            return;
        }
        if (session.transaction().open()) {
            session.error(SmtpReply.of(503, "5.5.1", "Bad sequence of commands: nested MAIL"));
            return;
        }
        if (session.config().requireTls() && !session.tls()) {
            session.error(SmtpReply.of(530, "5.7.0", "Must issue a STARTTLS command first"));
            return;
        }
        PathParser.Parsed path;
        MailParameters params;
        try {
            path = PathParser.parseMailFrom(argument);
            params = MailParameters.parse(path.parameters(), session.config().maxMessageSize());
        } catch (SmtpRefusal e) {
            session.error(e.reply());
            return;
        }
        session.events().address("from", path.address());
        if (path.nonAscii() && !params.smtpUtf8) {
            session.error(SmtpReply.of(553, "5.6.7", "Non-ASCII address needs the SMTPUTF8 parameter"));
            return;
        }
        MailTransaction tx = new MailTransaction(session.state(), path.address(), params.size, params.body,
                params.smtpUtf8);
        SmtpMessageHandler h = session.transaction().begin(tx);
        session.calls().call(h, "onMailFrom", HandlerMethods.of(h).onMailFrom, () -> h.onMailFrom(tx), r -> {
            if (!r.isPositive() && session.transaction().is(tx)) {
                session.transaction().end("sender refused", r);
            }
            session.reply(r);
        });
    }
}
