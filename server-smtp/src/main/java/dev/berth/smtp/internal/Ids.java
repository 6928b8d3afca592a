package dev.berth.smtp.internal;

import java.security.SecureRandom;

/** Short random ids for sessions and queued messages: letters and digits that cannot spell words or be misread. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] CHARS = "0123456789BCDFGHJKLMNPQRSTVWXZ".toCharArray();

    private Ids() {
    }

    /** A queue id: 14 characters (68 random bits), unique enough to name a Maildir file by itself. */
    public static String queueId() {
        return next(14);
    }

    /** A session id for the session log: 10 characters. */
    static String sessionId() {
        return next(10);
    }

    private static String next(int length) {
        char[] c = new char[length];
        for (int i = 0; i < c.length; i++) {
            c[i] = CHARS[RANDOM.nextInt(CHARS.length)];
        }
        return new String(c);
    }
}
