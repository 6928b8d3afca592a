package dev.berth.smtp.internal;

/** Text the client chose (a HELO name, an address, a user name), made safe to put in a header or a log line. */
final class ClientText {
    private ClientText() {
    }

    /** {@code s} with every control character (CR and LF among them) replaced by '?', so it cannot start a new line. */
    static String printable(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 32 || c == 127;
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
