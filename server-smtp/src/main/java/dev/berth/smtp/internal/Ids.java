package dev.berth.smtp.internal;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/** Short random ids for sessions and queued messages: letters and digits that cannot spell words or be misread. */
public final class Ids {
    private static final SecureRandom SEEDS = new SecureRandom();
    /**
     * Each thread's generator, seeded from {@link #SEEDS}: ids must not repeat (a queue id names a Maildir file
     * that other servers may share), not be secret, and a draw from the shared {@link SecureRandom} per
     * character took 2.7% of an event loop receiving small messages (bench/README.md).
     */
    private static final ThreadLocal<SplittableRandom> RANDOM =
            ThreadLocal.withInitial(() -> new SplittableRandom(SEEDS.nextLong()));
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
        SplittableRandom random = RANDOM.get();
        char[] c = new char[length];
        for (int i = 0; i < c.length; i++) {
            c[i] = CHARS[random.nextInt(CHARS.length)];
        }
        return new String(c);
    }
}
