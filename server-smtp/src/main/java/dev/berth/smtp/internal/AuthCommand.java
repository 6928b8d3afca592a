package dev.berth.smtp.internal;

import dev.berth.smtp.SmtpAuthenticator;
import dev.berth.smtp.SmtpConfig;
import dev.berth.smtp.SmtpReply;
import java.nio.charset.StandardCharsets;
import dev.berth.smtp.internal.SmtpMeters.AuthResult;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * AUTH (RFC 4954, PLAIN and LOGIN): only over TLS, after EHLO and outside a transaction; the
 * exchange takes the client's next lines, and the credentials are checked off the event loop.
 */
final class AuthCommand implements Command {
    private static final Pattern SPACES = Pattern.compile(" +");
    private static final SmtpReply INVALID = SmtpReply.of(535, "5.7.8", "Authentication credentials invalid");
    private static final SmtpReply SUCCESS = SmtpReply.of(235, "2.7.0", "Authentication successful");

    @Override
    public void run(Session session, String argument) {
        String[] parts = SPACES.split(argument.trim());
        String mechanism = parts[0].toUpperCase(Locale.ROOT);
        Optional<SmtpReply> refusal = refusal(session);
        if (refusal.isPresent()) {
            session.events().auth(mechanism, null, AuthResult.REFUSED);
            session.error(refusal.get());
            return;
        }
        SaslExchange exchange = SaslExchange.start(mechanism);
        if (parts.length > 2 || exchange == null) {
            session.events().auth(mechanism, null, AuthResult.REFUSED);
            session.error(SmtpReply.of(504, "5.5.4", "Unrecognized authentication type"));
            return;
        }
        step(session, mechanism, exchange, exchange.begin(parts.length == 2 ? parts[1] : null));
    }

    /** Why AUTH may not start now, or empty when it may. */
    private static Optional<SmtpReply> refusal(Session session) {
        SmtpConfig config = session.config();
        SessionState state = session.state();
        if (config.authenticator().isEmpty()) {
            return Optional.of(SmtpReply.of(502, "5.5.1", "AUTH not available"));
        }
        if (!session.tls()) {
            return Optional.of(SmtpReply.of(538, "5.7.11", "Encryption required for requested authentication mechanism"));
        }
        if (state.heloName().isEmpty() || !state.extended()) {
            return Optional.of(SmtpReply.of(503, "5.5.1", "Bad sequence of commands: send EHLO first"));
        }
        if (state.authenticatedUser().isPresent()) {
            return Optional.of(SmtpReply.of(503, "5.5.1", "Already authenticated"));
        }
        if (session.transaction().open()) {
            return Optional.of(SmtpReply.of(503, "5.5.1", "AUTH is not allowed during a mail transaction"));
        }
        return Optional.empty();
    }

    private static void step(Session session, String mechanism, SaslExchange exchange, SaslExchange.Step step) {
        if (step instanceof SaslExchange.Challenge) {
            session.reply(SmtpReply.plain(334, ((SaslExchange.Challenge) step).base64()));
            session.nextLineTo(line -> step(session, mechanism, exchange,
                    exchange.respond(new String(line, StandardCharsets.US_ASCII))));
            return;
        }
        if (step instanceof SaslExchange.Failure) {
            SaslExchange.Failure failure = (SaslExchange.Failure) step;
            session.events().auth(mechanism, null,
                    failure.reason() == SaslExchange.Reason.CANCELED ? AuthResult.CANCELED : AuthResult.FAILURE);
            session.error(failure(failure));
            return;
        }
        SaslExchange.Credentials credentials = (SaslExchange.Credentials) step;
        SmtpAuthenticator authenticator = session.config().authenticator().orElseThrow();
        session.calls().call(authenticator, "authenticate", true, verify(authenticator, credentials), r -> {
            session.events().auth(mechanism, credentials.user(),
                    r.isPositive() ? AuthResult.SUCCESS : r == INVALID ? AuthResult.FAILURE : AuthResult.ERROR);
            if (r.isPositive()) {
                session.state().authenticated(credentials.user());
                session.reply(r);
            } else {
                session.error(r);
            }
        });
    }

    /** The reply to an exchange that ended without credentials. */
    private static SmtpReply failure(SaslExchange.Failure failure) {
        switch (failure.reason()) {
            case CANCELED:
                return SmtpReply.of(501, "5.0.0", "Authentication canceled");
            case NOT_BASE64:
                return SmtpReply.of(501, "5.5.2", "Cannot decode the base64 response");
            default:
                return INVALID;
        }
    }

    /** The check of {@code credentials}, to run off the event loop: 235 or 535; the password copy is wiped after. */
    private static Callable<SmtpReply> verify(SmtpAuthenticator authenticator, SaslExchange.Credentials credentials) {
        String user = credentials.user();
        String password = credentials.password();
        return () -> {
            char[] secret = password.toCharArray();
            try {
                return authenticator.authenticate(user, secret) ? SUCCESS : INVALID;
            } finally {
                Arrays.fill(secret, '\0');
            }
        };
    }
}
