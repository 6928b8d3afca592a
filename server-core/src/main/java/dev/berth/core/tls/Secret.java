package dev.berth.core.tls;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A passphrase that never shows itself: {@link #toString()} prints asterisks, so logs cannot leak it.
 * Two secrets with the same characters are equal, so that equal TLS settings compare equal.
 */
public final class Secret {
    private final char[] value;

    private Secret(char[] value) {
        this.value = value.clone();
    }

    public static Secret of(String value) {
        return new Secret(value.toCharArray());
    }

    public static Secret of(char[] value) {
        return new Secret(value);
    }

    /** The characters; the caller should not keep them longer than needed. */
    public char[] reveal() {
        return value.clone();
    }

    /** Compares in time that does not depend on where the characters first differ. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Secret)) {
            return false;
        }
        byte[] a = bytes(value);
        byte[] b = bytes(((Secret) o).value);
        try {
            return MessageDigest.isEqual(a, b);
        } finally {
            Arrays.fill(a, (byte) 0);
            Arrays.fill(b, (byte) 0);
        }
    }

    /** The same for every secret: a hash of the characters would tell something about them to whoever sees it. */
    @Override
    public int hashCode() {
        return 0x5ec7e7;
    }

    private static byte[] bytes(char[] chars) {
        ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        if (b.hasArray()) {
            Arrays.fill(b.array(), (byte) 0);
        }
        return out;
    }

    @Override
    public String toString() {
        return "***";
    }
}
