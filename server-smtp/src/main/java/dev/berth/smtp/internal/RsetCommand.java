package dev.berth.smtp.internal;

import dev.berth.smtp.SmtpReply;

/** RSET (RFC 5321 4.1.1.5): ends the transaction in progress; the session (greeting, TLS, login) stays. */
final class RsetCommand implements Command {
    private static final SmtpReply OK = SmtpReply.of(250, "2.0.0", "OK");

    @Override
    public void run(Session session, String argument) {
        if (!argument.isEmpty()) {
            session.error(SmtpReply.of(501, "5.5.4", "Syntax: RSET"));
            return;
        }
        session.transaction().end("RSET");
        session.reply(OK);
    }
}
