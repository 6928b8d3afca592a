package dev.berth.smtp.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * A bcrypt hash, {@code $2y$COST$...} (also {@code $2a$} and {@code $2b$}), as {@code htpasswd -B} and
 * Dovecot's {@code BLF-CRYPT} write it; checked by BouncyCastle's {@link OpenBSDBCrypt}, which
 * compares in constant time.
 */
final class BcryptHash implements PasswordHash {
    /** The largest cost a line may ask for (2^14 rounds, about a second); htpasswd and doveadm default to 5. */
    static final int MAX_COST = 14;
    private static final Pattern FORMAT = Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");

    private final String hash;
    private final int cost;

    private BcryptHash(String hash, int cost) {
        this.hash = hash;
        this.cost = cost;
    }

    /** True when {@code s} claims to be bcrypt: {@code $2} and a version letter. */
    static boolean claims(String s) {
        return s.startsWith("$2a$") || s.startsWith("$2b$") || s.startsWith("$2y$");
    }

    static BcryptHash parse(String s) {
        Matcher m = FORMAT.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a bcrypt hash ($2y$NN$ and 53 characters of salt and hash)");
        }
        int cost = Integer.parseInt(m.group(1));
        if (cost < 4 || cost > MAX_COST) {
            throw new IllegalArgumentException("bcrypt cost must be 4 to " + MAX_COST + ", not " + cost);
        }
        return new BcryptHash(s, cost);
    }

    @Override
    public boolean matches(char[] password) {
        return OpenBSDBCrypt.checkPassword(hash, password);
    }

    @Override
    public String costKey() {
        return "bcrypt:" + cost;
    }
}
