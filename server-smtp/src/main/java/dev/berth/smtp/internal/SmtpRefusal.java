package dev.berth.smtp.internal;

import dev.berth.smtp.SmtpReply;

/**
 * A command refused before it reaches any handler, carrying the reply that says why: the session
 * answers with {@link #reply()} as it is, never by reading the exception's message.
 */
public final class SmtpRefusal extends Exception {
    private final SmtpReply reply;

    public SmtpRefusal(SmtpReply reply) {
        super(reply.code() + " " + reply.lines().get(0), null, false, false);
        this.reply = reply;
    }

    /** The reply that refuses the command. */
    public SmtpReply reply() {
        return reply;
    }
}
