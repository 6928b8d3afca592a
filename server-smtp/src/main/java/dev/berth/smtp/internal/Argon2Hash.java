package dev.berth.smtp.internal;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * An Argon2 hash in the PHC string format, {@code $argon2id$v=19$m=KIB,t=PASSES,p=LANES$SALT$HASH}
 * (also {@code $argon2i$}), as Dovecot's {@code ARGON2ID} and the {@code argon2} tool write it;
 * computed by BouncyCastle's {@link Argon2BytesGenerator} and compared in constant time. The cost
 * parameters come from the file, so each has an upper bound: a hostile line cannot make a login
 * take minutes or a gigabyte.
 */
final class Argon2Hash implements PasswordHash {
    /** The most memory a line may ask for: 256 MiB (Dovecot's default is 64 MiB). */
    static final int MAX_MEMORY_KIB = 256 * 1024;
    /** The most passes a line may ask for (Dovecot's default is 3). */
    static final int MAX_PASSES = 10;
    /** The most lanes a line may ask for; BouncyCastle computes them one after another. */
    static final int MAX_LANES = 16;
    /** Memory times passes at most: four times Dovecot's default work. */
    static final long MAX_WORK = 4L * 64 * 1024 * 3;
    private static final Pattern FORMAT = Pattern.compile(
            "\\$(argon2id|argon2i)\\$v=19\\$m=(\\d{1,10}),t=(\\d{1,10}),p=(\\d{1,3})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");

    private final boolean id;
    private final int memory;
    private final int passes;
    private final int lanes;
    private final byte[] salt;
    private final byte[] hash;

    private Argon2Hash(boolean id, int memory, int passes, int lanes, byte[] salt, byte[] hash) {
        this.id = id;
        this.memory = memory;
        this.passes = passes;
        this.lanes = lanes;
        this.salt = salt;
        this.hash = hash;
    }

    /** True when {@code s} claims to be Argon2: {@code $argon2}. */
    static boolean claims(String s) {
        return s.startsWith("$argon2");
    }

    static Argon2Hash parse(String s) {
        Matcher m = FORMAT.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an Argon2 hash ($argon2id$v=19$m=...,t=...,p=...$salt$hash)");
        }
        long memory = Long.parseLong(m.group(2));
        long passes = Long.parseLong(m.group(3));
        long lanes = Long.parseLong(m.group(4));
        if (lanes < 1 || lanes > MAX_LANES) {
            throw new IllegalArgumentException("Argon2 p (lanes) must be 1 to " + MAX_LANES + ", not " + lanes);
        }
        if (passes < 1 || passes > MAX_PASSES) {
            throw new IllegalArgumentException("Argon2 t (passes) must be 1 to " + MAX_PASSES + ", not " + passes);
        }
        if (memory < 8 * lanes || memory > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("Argon2 m (KiB) must be " + 8 * lanes + " to " + MAX_MEMORY_KIB + ", not " + memory);
        }
        if (memory * passes > MAX_WORK) {
            throw new IllegalArgumentException("Argon2 m times t must be at most " + MAX_WORK + ", not " + memory * passes);
        }
        byte[] salt = Base64.getDecoder().decode(m.group(5));
        byte[] hash = Base64.getDecoder().decode(m.group(6));
        if (salt.length < 8 || salt.length > 64 || hash.length < 16 || hash.length > 64) {
            throw new IllegalArgumentException("Argon2 salt must be 8 to 64 bytes and hash 16 to 64 bytes");
        }
        return new Argon2Hash(m.group(1).equals("argon2id"), (int) memory, (int) passes, (int) lanes, salt, hash);
    }

    @Override
    public boolean matches(char[] password) {
        Argon2Parameters p = new Argon2Parameters.Builder(id ? Argon2Parameters.ARGON2_id : Argon2Parameters.ARGON2_i)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(memory).withIterations(passes)
                .withParallelism(lanes).withSalt(salt).build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(p);
        byte[] computed = new byte[hash.length];
        try {
            generator.generateBytes(password, computed);
            return MessageDigest.isEqual(computed, hash);
        } finally {
            Arrays.fill(computed, (byte) 0);
        }
    }

    @Override
    public String costKey() {
        return (id ? "argon2id:" : "argon2i:") + memory + ":" + passes + ":" + lanes + ":" + hash.length;
    }
}
