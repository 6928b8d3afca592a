package dev.berth.smtp.internal;

import dev.berth.smtp.SmtpReply;

/** DATA (RFC 5321 4.1.1.4): with at least one recipient accepted, 354 and the message content up to the final dot. */
final class DataCommand implements Command {
    private static final SmtpReply GO_AHEAD = SmtpReply.plain(354, "End data with <CR><LF>.<CR><LF>");

    @Override
    public void run(Session session, String argument) {
        CurrentTransaction current = session.transaction();
        if (!argument.isEmpty()) {
            session.error(SmtpReply.of(501, "5.5.4", "Syntax: DATA"));
        } else if (!current.open()) {
            session.error(CurrentTransaction.NEED_MAIL);
        } else if (current.intake() != null) {
            session.error(CurrentTransaction.BDAT_IN_PROGRESS);
        } else if (current.get().recipients().isEmpty()) {
            session.error(CurrentTransaction.NO_RECIPIENTS);
        } else {
            session.reply(GO_AHEAD);
            session.content().startData();
        }
    }
}
