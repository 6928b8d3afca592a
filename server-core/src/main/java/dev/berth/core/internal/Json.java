package dev.berth.core.internal;

/** The one JSON string quoting the ready file and the admin listener's {@code /info} share. */
public final class Json {
    private Json() {
    }

    /** A JSON string literal of {@code s}: quotes, backslashes and control characters escaped. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
