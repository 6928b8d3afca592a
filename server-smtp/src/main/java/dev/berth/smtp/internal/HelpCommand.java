package dev.berth.smtp.internal;

import dev.berth.smtp.SmtpReply;
import java.util.List;

/** HELP (RFC 5321 4.1.1.8): the commands the session accepts now. */
final class HelpCommand implements Command {

    @Override
    public void run(Session session, String argument) {
        session.reply(SmtpReply.of(214, "2.0.0", List.of(
                "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP"
                        + (session.offersStartTls() ? " STARTTLS" : "") + (session.offersAuth() ? " AUTH" : ""),
                "See RFC 5321")));
    }
}
