package dev.berth.smtp.internal;

import dev.berth.smtp.SmtpConfig;
import dev.berth.smtp.SmtpReply;
import java.util.ArrayList;
import java.util.List;

/** HELO and EHLO (RFC 5321 4.1.1.1): the client's name, a fresh start, and for EHLO the extensions on offer. */
final class HeloCommand implements Command {
    private final boolean extended;

    /** EHLO when {@code extended}, else HELO. */
    HeloCommand(boolean extended) {
        this.extended = extended;
    }

    @Override
    public void run(Session session, String argument) {
        String name = argument.trim();
        if (name.isEmpty() || name.contains(" ")) {
            session.error(SmtpReply.of(501, "5.5.4", "Syntax: " + (extended ? "EHLO" : "HELO") + " hostname"));
            return;
        }
        session.transaction().end("new greeting");
        session.state().greeted(name, extended);
        SmtpConfig config = session.config();
        if (!extended) {
            session.reply(SmtpReply.plain(250, config.serverName()));
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(config.serverName() + " greets " + name);
        lines.add("PIPELINING");
        lines.add("SIZE " + config.maxMessageSize());
        lines.add("8BITMIME");
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("SMTPUTF8");
        lines.add("CHUNKING");
        if (session.offersStartTls()) {
            lines.add("STARTTLS");
        }
        if (session.offersAuth()) {
            lines.add("AUTH PLAIN LOGIN");
        }
        lines.add("HELP");
        session.reply(SmtpReply.plain(250, lines));
    }
}
