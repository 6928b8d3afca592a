package dev.berth.smtp.internal;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/** Maildir file and folder names: unique per the Maildir convention, and safe as path elements. */
public final class MaildirNames {
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long PID = ProcessHandle.current().pid();

    private MaildirNames() {
    }

    /**
     * {@code <seconds>.M<micros>P<pid>Q<counter>R<random>.<host>}: the time, process and counter make
     * it unique on this host, the random part across restarts that reuse a pid within a second.
     */
    public static String unique(String host) {
        long nowMicros = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
        return (nowMicros / 1_000_000) + ".M" + (nowMicros % 1_000_000) + "P" + PID + "Q" + COUNTER.incrementAndGet()
                + "R" + Long.toHexString(RANDOM.nextLong() & 0xffffffffffffL) + "." + safeHost(host);
    }

    /** The host part of a name, with '/' and ':' replaced as the convention asks. */
    static String safeHost(String host) {
        return host.replace("/", "\\057").replace(":", "\\072");
    }

    /** A folder name for a recipient: lower case, every character that could escape or confuse a path replaced. */
    public static String folderFor(String recipient) {
        StringBuilder b = new StringBuilder();
        for (char c : recipient.toLowerCase(Locale.ROOT).toCharArray()) {
            b.append(Character.isLetterOrDigit(c) || "@._+-".indexOf(c) >= 0 ? c : '_');
        }
        String s = b.toString();
        return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
    }
}
