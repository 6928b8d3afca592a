package dev.berth.smtp.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/** Berth's own scheme: {@code pbkdf2-sha256:ITERATIONS:SALT:HASH}, PBKDF2-HMAC-SHA256 with salt and hash in base64. */
public final class Pbkdf2Hash implements PasswordHash {
    /** The scheme's name in the users file. */
    public static final String SCHEME = "pbkdf2-sha256";
    /** Iterations a line may ask for: enough for any sane setting, not enough to stall a login for minutes. */
    static final int MAX_ITERATIONS = 2_000_000;
    private static final int HASH_BITS = 256;

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    Pbkdf2Hash(int iterations, byte[] salt, byte[] hash) {
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException(SCHEME + " iterations must be 1 to " + MAX_ITERATIONS + ", not " + iterations);
        }
        if (hash.length != HASH_BITS / 8) {
            throw new IllegalArgumentException(SCHEME + " hash must be " + HASH_BITS / 8 + " bytes, not " + hash.length);
        }
        this.iterations = iterations;
        this.salt = salt.clone();
        this.hash = hash.clone();
    }

    /** Parses the part after {@code pbkdf2-sha256:}: {@code ITERATIONS:SALT:HASH}. */
    static Pbkdf2Hash parse(String fields) {
        String[] f = fields.split(":", -1);
        if (f.length != 3) {
            throw new IllegalArgumentException("expected name:" + SCHEME + ":iterations:salt:hash");
        }
        try {
            return new Pbkdf2Hash(Integer.parseInt(f[0]), Base64.getDecoder().decode(f[1]), Base64.getDecoder().decode(f[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SCHEME + " iterations must be a number, not '" + f[0] + "'");
        }
    }

    /** The users-file text for {@code password} with {@code salt}: {@code pbkdf2-sha256:ITERATIONS:SALT:HASH}. */
    public static String encode(char[] password, byte[] salt, int iterations) {
        return SCHEME + ":" + iterations + ":" + Base64.getEncoder().encodeToString(salt) + ":"
                + Base64.getEncoder().encodeToString(derive(password, salt, iterations));
    }

    @Override
    public boolean matches(char[] password) {
        return MessageDigest.isEqual(derive(password, salt, iterations), hash);
    }

    @Override
    public String costKey() {
        return SCHEME + ":" + iterations;
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
            try {
                return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            } finally {
                spec.clearPassword();
            }
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", ex);
        }
    }
}
