package dev.berth.smtp.internal;

import dev.berth.smtp.SmtpReply;

/** VRFY (RFC 5321 3.5.3): answered 252 without saying whether a user exists, as a receiver should. */
final class VrfyCommand implements Command {

    @Override
    public void run(Session session, String argument) {
        if (argument.isBlank()) {
            session.error(SmtpReply.of(501, "5.5.4", "Syntax: VRFY address"));
            return;
        }
        session.reply(SmtpReply.of(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery"));
    }
}
