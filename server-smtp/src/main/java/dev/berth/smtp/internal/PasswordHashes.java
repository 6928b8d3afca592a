package dev.berth.smtp.internal;

import java.util.Locale;
import java.util.Map;

/**
 * Reads the password part of a users-file line: Berth's {@code pbkdf2-sha256:...}, a bare crypt
 * string ({@code $2y$} bcrypt from {@code htpasswd -B}, {@code $6$}/{@code $5$} SHA-crypt,
 * {@code $argon2id$}), or a Dovecot {@code {SCHEME}} prefix before one ({@code doveadm pw}). Plaintext,
 * weak and unknown schemes are refused by name.
 */
public final class PasswordHashes {
    /** Dovecot's scheme names Berth takes, each with the crypt prefix its hash must carry. */
    private static final Map<String, String[]> DOVECOT = Map.of(
            "BLF-CRYPT", new String[] {"$2a$", "$2b$", "$2y$"},
            "SHA512-CRYPT", new String[] {"$6$"},
            "SHA256-CRYPT", new String[] {"$5$"},
            "ARGON2ID", new String[] {"$argon2id$"},
            "ARGON2I", new String[] {"$argon2i$"});
    private static final String MAKE_ONE = "; make the line with htpasswd -B, doveadm pw -s BLF-CRYPT, SHA512-CRYPT or"
            + " ARGON2ID, or Berth's UsersFile";

    private PasswordHashes() {
    }

    /**
     * The hash in {@code field}, everything after the user name and its colon. Dovecot's passwd-file
     * lines carry more colon-separated fields after the hash (uid, gid, home, ...): they are ignored.
     *
     * @throws IllegalArgumentException naming the scheme when it is refused or the hash is malformed
     */
    public static PasswordHash parse(String field) {
        if (field.startsWith(Pbkdf2Hash.SCHEME + ":")) {
            return Pbkdf2Hash.parse(field.substring(Pbkdf2Hash.SCHEME.length() + 1));
        }
        int colon = field.indexOf(':');
        String hash = colon < 0 ? field : field.substring(0, colon);
        if (hash.startsWith("{")) {
            int close = hash.indexOf('}');
            if (close < 0) {
                throw new IllegalArgumentException("a scheme in braces is not closed: " + hash.substring(0, Math.min(hash.length(), 20)));
            }
            String scheme = hash.substring(1, close).toUpperCase(Locale.ROOT);
            String rest = hash.substring(close + 1);
            String[] prefixes = DOVECOT.get(scheme);
            if (prefixes == null) {
                throw refused(scheme);
            }
            for (String p : prefixes) {
                if (rest.startsWith(p)) {
                    return crypt(rest);
                }
            }
            throw new IllegalArgumentException("a {" + scheme + "} hash must start with " + String.join(" or ", prefixes));
        }
        if (hash.startsWith("$")) {
            return crypt(hash);
        }
        throw new IllegalArgumentException("no password scheme recognized (expected pbkdf2-sha256:..., $2y$..., $6$...,"
                + " $argon2id$... or {SCHEME}...)" + MAKE_ONE);
    }

    private static PasswordHash crypt(String hash) {
        if (BcryptHash.claims(hash)) {
            return BcryptHash.parse(hash);
        }
        if (ShaCryptHash.claims(hash)) {
            return ShaCryptHash.parse(hash);
        }
        if (Argon2Hash.claims(hash)) {
            return Argon2Hash.parse(hash);
        }
        int end = hash.indexOf('$', 1);
        throw refused(end < 0 ? hash : hash.substring(0, end + 1));
    }

    private static IllegalArgumentException refused(String scheme) {
        String why;
        switch (scheme) {
            case "PLAIN": case "CLEAR": case "CLEARTEXT": case "PLAIN-TRUNC":
                why = "keeps the password in plaintext";
                break;
            case "$apr1$": case "$1$": case "MD5-CRYPT": case "PLAIN-MD5": case "LDAP-MD5": case "SMD5": case "SHA":
            case "SSHA": case "SHA256": case "SSHA256": case "SHA512": case "SSHA512": case "CRYPT": case "DES-CRYPT":
                why = "is too fast to resist guessing";
                break;
            default:
                why = "is not one Berth knows";
        }
        return new IllegalArgumentException("password scheme " + scheme + " " + why + MAKE_ONE);
    }
}
