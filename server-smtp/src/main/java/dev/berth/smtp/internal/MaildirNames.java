package dev.berth.smtp.internal;

import java.util.Locale;

/** Maildir file and folder names: unique per the Maildir convention, and safe as path elements. */
public final class MaildirNames {
    private MaildirNames() {
    }

    /**
     * {@code <seconds>.<queueId>.<host>}: the message's queue id (the one in its {@code Received:}
     * header and the session log) is the Maildir convention's unique part. It is 68 random bits, so
     * it is unique across processes and restarts without the pid and counter the convention suggests.
     */
    public static String forMessage(String queueId, String host) {
        return System.currentTimeMillis() / 1000 + "." + queueId + "." + safeHost(host);
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
