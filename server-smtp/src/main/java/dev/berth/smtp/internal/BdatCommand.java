package dev.berth.smtp.internal;

import dev.berth.smtp.SmtpReply;
import java.util.regex.Pattern;

/**
 * BDAT (RFC 3030 CHUNKING): a chunk of exactly the given size follows, whatever the session's state;
 * a chunk that cannot be taken is still read to its end, then refused.
 */
final class BdatCommand implements Command {
    private static final Pattern SPACES = Pattern.compile(" +");
    private static final Pattern CHUNK_SIZE = Pattern.compile("[0-9]{1,18}");

    @Override
    public void run(Session session, String argument) {
        String[] parts = SPACES.split(argument.trim());
        if (parts.length < 1 || parts.length > 2 || !CHUNK_SIZE.matcher(parts[0]).matches()
                || (parts.length == 2 && !parts[1].equalsIgnoreCase("LAST"))) {
            session.error(SmtpReply.of(501, "5.5.4", "Syntax: BDAT octets [LAST]"));
            return;
        }
        CurrentTransaction current = session.transaction();
        SmtpReply refusal = null;
        if (!current.open()) {
            refusal = CurrentTransaction.NEED_MAIL;
        } else if (current.get().recipients().isEmpty()) {
            refusal = CurrentTransaction.NO_RECIPIENTS;
        }
        session.content().startChunk(Long.parseLong(parts[0]), parts.length == 2, refusal);
    }
}
