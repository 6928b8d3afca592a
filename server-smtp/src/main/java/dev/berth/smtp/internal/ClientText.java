package dev.berth.smtp.internal;

/** Text the client chose (a HELO name, an address, a user name), made safe to put in a header or a log line. */
final class ClientText {
    private ClientText() {
    }

    /**
     * {@code s} with every control character replaced by '?': C0 (CR and LF among them), DEL, C1 (NEL
     * among them) and the Unicode line and paragraph separators, so it cannot start a new line anywhere.
     */
    static String printable(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 32 || (c >= 127 && c < 160) || c == '\u2028' || c == '\u2029';
            if (control && b == null) {
                b = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (b != null) {
                b.append(control ? '?' : c);
            }
        }
        return b == null ? s : b.toString();
    }
}
