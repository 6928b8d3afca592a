package dev.berth.smtp.internal;

import dev.berth.smtp.SmtpReply;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The verbs this server knows, each with the command that carries it out; the ones it refuses say how. */
public final class Commands {
    private static final SmtpReply OK = SmtpReply.of(250, "2.0.0", "OK");
    private static final SmtpReply BYE = SmtpReply.of(221, "2.0.0", "Bye");
    private static final Command NOT_IMPLEMENTED = (s, a) -> s.error(SmtpReply.of(502, "5.5.1", "Command not implemented"));
    private static final Command UNRECOGNIZED = (s, a) -> s.error(SmtpReply.of(500, "5.5.1", "Command unrecognized"));

    private static final Map<String, Command> BY_VERB = Map.ofEntries(
            Map.entry("EHLO", new HeloCommand(true)),
            Map.entry("HELO", new HeloCommand(false)),
            Map.entry("MAIL", new MailCommand()),
            Map.entry("RCPT", new RcptCommand()),
            Map.entry("DATA", new DataCommand()),
            Map.entry("BDAT", new BdatCommand()),
            Map.entry("RSET", new RsetCommand()),
            Map.entry("NOOP", (s, a) -> s.reply(OK)),
            Map.entry("QUIT", (s, a) -> s.goodbye(BYE)),
            Map.entry("VRFY", new VrfyCommand()),
            Map.entry("HELP", new HelpCommand()),
            Map.entry("STARTTLS", new StartTlsCommand()),
            Map.entry("AUTH", new AuthCommand()),
            Map.entry("EXPN", NOT_IMPLEMENTED),
            Map.entry("TURN", NOT_IMPLEMENTED),
            Map.entry("ETRN", NOT_IMPLEMENTED));

    /** The known verbs, in the order the session log counts them (Postfix's where it has one). */
    static final List<String> VERBS = List.of("EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "BDAT",
            "RSET", "NOOP", "VRFY", "HELP", "EXPN", "TURN", "ETRN", "QUIT");

    static {
        if (!BY_VERB.keySet().equals(Set.copyOf(VERBS))) {
            throw new AssertionError("Commands.VERBS must list exactly the verbs of the command table");
        }
    }

    private Commands() {
    }

    /** The command for {@code verb} (upper case); an unknown verb gets {@code 500 5.5.1}. */
    public static Command of(String verb) {
        return BY_VERB.getOrDefault(verb, UNRECOGNIZED);
    }
}
