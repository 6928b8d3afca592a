package dev.berth.smtp.internal;

import dev.berth.smtp.SmtpAuthenticator;
import dev.berth.smtp.SmtpConfig;
import dev.berth.smtp.SmtpReply;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/** The rules and replies of the AUTH command (RFC 4954); the session drives the exchange itself. */
public final class AuthCommand {
    private static final SmtpReply INVALID = SmtpReply.of(535, "5.7.8", "Authentication credentials invalid");

    private AuthCommand() {
    }

    /** Why AUTH may not start now, or empty when it may. */
    public static Optional<SmtpReply> refusal(SmtpConfig config, SessionState session, boolean tls, boolean inTransaction) {
        if (config.authenticator().isEmpty()) {
            return Optional.of(SmtpReply.of(502, "5.5.1", "AUTH not available"));
        }
        if (!tls) {
            return Optional.of(SmtpReply.of(538, "5.7.11", "Encryption required for requested authentication mechanism"));
        }
        if (session.heloName().isEmpty() || !session.extended()) {
            return Optional.of(SmtpReply.of(503, "5.5.1", "Bad sequence of commands: send EHLO first"));
        }
        if (session.authenticatedUser().isPresent()) {
            return Optional.of(SmtpReply.of(503, "5.5.1", "Already authenticated"));
        }
        if (inTransaction) {
            return Optional.of(SmtpReply.of(503, "5.5.1", "AUTH is not allowed during a mail transaction"));
        }
        return Optional.empty();
    }

    /** The reply to an exchange that ended without credentials. */
    public static SmtpReply failure(SaslExchange.Failure failure) {
        switch (failure.reason()) {
            case CANCELED:
                return SmtpReply.of(501, "5.0.0", "Authentication canceled");
            case NOT_BASE64:
                return SmtpReply.of(501, "5.5.2", "Cannot decode the base64 response");
            default:
                return INVALID;
        }
    }

    /** The check of {@code credentials}, to run off the event loop: 235 or 535. */
    public static Supplier<SmtpReply> verify(SmtpAuthenticator authenticator, SaslExchange.Credentials credentials) {
        String user = credentials.user();
        String password = credentials.password();
        return () -> {
            char[] secret = password.toCharArray();
            try {
                return authenticator.authenticate(user, secret)
                        ? SmtpReply.of(235, "2.7.0", "Authentication successful") : INVALID;
            } finally {
                Arrays.fill(secret, '\0');
            }
        };
    }
}
