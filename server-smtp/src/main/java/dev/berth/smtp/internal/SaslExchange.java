package dev.berth.smtp.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * One AUTH exchange with the PLAIN (RFC 4616) or LOGIN mechanism: turns the client's base64
 * responses into a user name and password, or says what to ask next.
 */
public final class SaslExchange {

    /** What the exchange needs or found after a response. */
    public sealed interface Step permits Challenge, Credentials, Failure {
    }

    /** Send {@code 334 <base64>} and wait for the next response. */
    public record Challenge(String base64) implements Step {
    }

    /** The client's claim, to be checked. */
    public record Credentials(String user, String password) implements Step {
    }

    /** The exchange is over without credentials. */
    public record Failure(Reason reason) implements Step {
    }

    /** Why an exchange ended without credentials. */
    public enum Reason { CANCELED, NOT_BASE64, MALFORMED }

    private static final String USERNAME = "VXNlcm5hbWU6"; // "Username:"
    private static final String PASSWORD = "UGFzc3dvcmQ6"; // "Password:"

    private final boolean plain;
    private String loginUser;

    private SaslExchange(boolean plain) {
        this.plain = plain;
    }

    /** The exchange for {@code mechanism}, or null when it is not PLAIN or LOGIN. */
    public static SaslExchange start(String mechanism) {
        switch (mechanism.toUpperCase(Locale.ROOT)) {
            case "PLAIN": return new SaslExchange(true);
            case "LOGIN": return new SaslExchange(false);
            default: return null;
        }
    }

    /** The first step: the initial response given on the AUTH line, or null when there was none. */
    public Step begin(String initialResponse) {
        if (initialResponse != null) {
            return respond(initialResponse);
        }
        return new Challenge(plain ? "" : USERNAME);
    }

    /** The next step after one response line from the client. */
    public Step respond(String line) {
        if (line.equals("*")) {
            return new Failure(Reason.CANCELED);
        }
        String value;
        try {
            value = new String(line.equals("=") ? new byte[0] : Base64.getDecoder().decode(line), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new Failure(Reason.NOT_BASE64);
        }
        if (!plain) {
            if (loginUser == null) {
                loginUser = value;
                return new Challenge(PASSWORD);
            }
            return new Credentials(loginUser, value);
        }
        // authzid NUL authcid NUL passwd; acting for another identity is not supported.
        String[] fields = value.split("\0", -1);
        if (fields.length != 3 || (!fields[0].isEmpty() && !fields[0].equals(fields[1]))) {
            return new Failure(Reason.MALFORMED);
        }
        return new Credentials(fields[1], fields[2]);
    }
}
