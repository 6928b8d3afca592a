package dev.berth.smtp.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.codec.digest.Sha2Crypt;

/**
 * A SHA-crypt hash, {@code $6$[rounds=N$]SALT$HASH} (SHA-512) or {@code $5$...} (SHA-256), as
 * {@code mkpasswd -m sha-512} and Dovecot's {@code SHA512-CRYPT} write it; checked with
 * commons-codec's {@link Sha2Crypt} and compared in constant time.
 */
final class ShaCryptHash implements PasswordHash {
    /** The most rounds a line may ask for (the default is 5,000); the format allows a billion. */
    static final int MAX_ROUNDS = 500_000;
    private static final int DEFAULT_ROUNDS = 5000;
    private static final Pattern FORMAT =
            Pattern.compile("\\$([56])\\$(?:rounds=(\\d{1,9})\\$)?([^$]{1,16})\\$([./A-Za-z0-9]{43}|[./A-Za-z0-9]{86})");

    private final String hash;
    private final String saltPart;
    private final boolean sha512;
    private final int rounds;

    private ShaCryptHash(String hash, String saltPart, boolean sha512, int rounds) {
        this.hash = hash;
        this.saltPart = saltPart;
        this.sha512 = sha512;
        this.rounds = rounds;
    }

    /** True when {@code s} claims to be SHA-crypt: {@code $5$} or {@code $6$}. */
    static boolean claims(String s) {
        return s.startsWith("$5$") || s.startsWith("$6$");
    }

    static ShaCryptHash parse(String s) {
        Matcher m = FORMAT.matcher(s);
        boolean sha512 = s.startsWith("$6$");
        if (!m.matches() || m.group(4).length() != (sha512 ? 86 : 43)) {
            throw new IllegalArgumentException("not a SHA-crypt hash ($6$[rounds=N$]salt$hash)");
        }
        int rounds = m.group(2) == null ? DEFAULT_ROUNDS : Integer.parseInt(m.group(2));
        if (rounds > MAX_ROUNDS) {
            throw new IllegalArgumentException("SHA-crypt rounds must be at most " + MAX_ROUNDS + ", not " + rounds);
        }
        String saltPart = s.substring(0, s.length() - m.group(4).length() - 1);
        return new ShaCryptHash(s, saltPart, sha512, rounds);
    }

    @Override
    public boolean matches(char[] password) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] key = new byte[encoded.remaining()];
        encoded.get(key);
        Arrays.fill(encoded.array(), (byte) 0);
        try {
            String computed = sha512 ? Sha2Crypt.sha512Crypt(key, saltPart) : Sha2Crypt.sha256Crypt(key, saltPart);
            return MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    @Override
    public String costKey() {
        return (sha512 ? "sha512-crypt:" : "sha256-crypt:") + rounds;
    }
}
