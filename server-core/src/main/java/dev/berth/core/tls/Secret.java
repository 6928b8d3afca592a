package dev.berth.core.tls;

/** A passphrase that never shows itself: {@link #toString()} prints asterisks, so logs cannot leak it. */
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

    @Override
    public String toString() {
        return "***";
    }
}
