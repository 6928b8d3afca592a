package dev.berth.smtp.internal;

/** What the server does for one SMTP verb: checks the command against the session, then answers it or starts what it asks for. */
@FunctionalInterface
public interface Command {

    /** Carries out the command; {@code argument} is the text after the verb, "" when there is none. */
    void run(Session session, String argument);
}
