package dev.berth.smtp;

/**
 * Checks a user name and password for SMTP AUTH (PLAIN and LOGIN). Runs on the blocking executor,
 * so it may read files or ask another service. {@link UsersFile} is the built-in one.
 */
@FunctionalInterface
public interface SmtpAuthenticator {

    /** True when {@code password} is {@code user}'s password. The array may be wiped after the call. */
    boolean authenticate(String user, char[] password);
}
