package dev.berth.it.kafka;

import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.it.support.PlainSmtpClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Concurrent SMTP sessions that each send a fixed number of messages and note the reply each one got
 * (or that the session broke before it came), with an action (a kill) run once a number of messages
 * were acknowledged. A broken session is replaced by a new one, so that traffic goes on after a crash.
 */
final class SmtpBurst {
    private static final Pattern QUEUED = Pattern.compile("^250 2\\.0\\.0 OK queued as (\\S+)");
    private static final Duration LIMIT = Duration.ofMinutes(3);

    private final InetSocketAddress server;
    private final InetAddress from;
    private final int sessions;
    private final int messagesPerSession;
    private final int messageSize;

    /** {@code sessions} sessions from {@code from} (any address if null), {@code messagesPerSession} messages each. */
    SmtpBurst(InetSocketAddress server, InetAddress from, int sessions, int messagesPerSession, int messageSize) {
        this.server = server;
        this.from = from;
        this.sessions = sessions;
        this.messagesPerSession = messagesPerSession;
        this.messageSize = messageSize;
    }

    /** One message sent: its marker, its bytes, the reply (null when the session broke first), and when. */
    record Attempt(String marker, byte[] message, String reply, boolean afterAction) {
        /** The queue id of a 250 reply, or null. */
        String queueId() {
            Matcher m = reply == null ? null : QUEUED.matcher(reply);
            return m != null && m.find() ? m.group(1) : null;
        }

        boolean acknowledged() {
            return queueId() != null;
        }
    }

    /** A message of about {@code size} octets, CRLF lines, none starting with a dot, found by its marker. */
    static byte[] message(String marker, int size) {
        StringBuilder b = new StringBuilder("From: load@example.org\r\nTo: sink@example.com\r\nSubject: " + marker
                + "\r\nMessage-ID: <" + marker + "@it.berth.dev>\r\n\r\n");
        int line = 0;
        while (b.length() < size) {
            b.append(marker).append(" line ").append(line++).append(" of a message sent in a burst\r\n");
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Runs the sessions with markers {@code prefix-S-M}; once {@code actAfter} messages were acknowledged,
     * runs {@code action} once (on its own thread) while the sessions go on. Returns every attempt.
     */
    List<Attempt> run(String prefix, int actAfter, Runnable action) throws InterruptedException {
        List<Attempt> attempts = new CopyOnWriteArrayList<>();
        AtomicInteger acked = new AtomicInteger();
        AtomicBoolean acted = new AtomicBoolean();
        CountDownLatch actionDone = new CountDownLatch(1);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        long deadline = System.nanoTime() + LIMIT.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            int session = s;
            Thread t = new Thread(() -> {
                int m = 0;
                while (m < messagesPerSession && System.nanoTime() < deadline) {
                    try (PlainSmtpClient smtp = new PlainSmtpClient(server, from)) {
                        while (m < messagesPerSession && System.nanoTime() < deadline) {
                            String marker = prefix + "-" + session + "-" + m;
                            byte[] message = message(marker, messageSize);
                            boolean after = acted.get();
                            m++;
                            String reply;
                            try {
                                reply = smtp.deliver("load@example.org", "sink@example.com", message);
                            } catch (IOException broken) {
                                attempts.add(new Attempt(marker, message, null, after));
                                throw broken;
                            }
                            Attempt a = new Attempt(marker, message, reply, after);
                            attempts.add(a);
                            if (a.acknowledged() && acked.incrementAndGet() >= actAfter && acted.compareAndSet(false, true)) {
                                Thread act = new Thread(() -> {
                                    try {
                                        action.run();
                                    } catch (Throwable e) {
                                        errors.add(e);
                                    } finally {
                                        actionDone.countDown();
                                    }
                                }, "burst action");
                                act.start();
                            }
                        }
                    } catch (IOException e) {
                        // The session broke (its server died) or could not start: a new one takes over.
                        sleepQuietly(200);
                    }
                }
            }, prefix + " session " + s);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 10_000));
            if (t.isAlive()) {
                fail(t.getName() + " did not finish within " + LIMIT);
            }
        }
        if (acted.get() && !actionDone.await(2, TimeUnit.MINUTES)) {
            fail("the burst's action did not finish");
        }
        if (!errors.isEmpty()) {
            throw new AssertionError("the burst's action failed", errors.get(0));
        }
        if (!acted.get()) {
            fail("only " + acked.get() + " of " + sessions * messagesPerSession + " messages were acknowledged, fewer than "
                    + actAfter + ", so the action never ran: " + summary(attempts));
        }
        return new ArrayList<>(attempts);
    }

    /** Counts of replies by their first word, for messages. */
    static String summary(List<Attempt> attempts) {
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        for (Attempt a : attempts) {
            String key = a.reply() == null ? "no reply" : a.reply().split(" ", 3).length > 1
                    ? a.reply().split(" ", 3)[0] + " " + a.reply().split(" ", 3)[1] : a.reply();
            counts.merge(key + (a.afterAction() ? " (after)" : " (before)"), 1, Integer::sum);
        }
        return counts.toString();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
