package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.smtp.internal.MaildirNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The durability promise with fsyncs shared between messages (group commit): the server runs in a
 * child JVM, 20 sessions send as fast as it answers, and the process is killed with SIGKILL in the
 * middle of the burst, while messages are being written, renamed and fsynced together. Every message
 * that got its 250 must then be in {@code new/} (in every recipient's Maildir, per-recipient layout)
 * exactly as sent, byte for byte after the server's two trace headers; every file in {@code new/}
 * must be a whole message of the size its name gives. Two kills per layout, on the same Maildir.
 * (A killed process tests the order of write, fsync, rename and directory fsync; it cannot simulate
 * a power cut, which the fsyncs are for.)
 */
class SigkillDuringBurstTest {
    private static final int SESSIONS = 20;
    private static final int KILLS = 2;
    private static final List<String> RECIPIENTS = List.of("ann@example.com", "bob@example.com", "cy@example.com");
    private static final Pattern MARKER = Pattern.compile("Message-ID: <burst-(\\d+)-(\\d+)@test>\r\n");

    @org.junit.jupiter.api.io.TempDir
    Path dir;

    /** Message {@code id} of kill round {@code round}: mostly 1 to 4 KiB, every seventh about 80 KiB, with dot-leading lines. */
    static byte[] message(int round, int id) {
        StringBuilder b = new StringBuilder("Message-ID: <burst-" + round + "-" + id + "@test>\r\nSubject: burst\r\n\r\n");
        int lines = id % 7 == 0 ? 1100 : 12 + id % 40;
        for (int i = 0; i < lines; i++) {
            if (i % 9 == 4) {
                b.append('.'); // the client stuffs it, the server unstuffs it: the stored line starts with one dot
            }
            b.append("m").append(round).append('-').append(id).append(" line ").append(i).append(' ')
                    .append("0123456789abcdefghijklmnopqrstuvwxyz".substring(0, (id + i) % 37)).append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static List<String> recipientsOf(int id) {
        return List.of(RECIPIENTS.get(id % 3), RECIPIENTS.get((id + 1) % 3));
    }

    @ParameterizedTest
    @EnumSource(MaildirLayout.class)
    void everyAcknowledgedMessageIsOnDiskByteForByteAfterASigkillDuringABurstOfTwentySessions(MaildirLayout layout)
            throws Exception {
        Path data = dir.resolve("data");
        Map<String, byte[]> acknowledged = new HashMap<>(); // marker -> content, over every round
        Map<String, List<String>> recipients = new HashMap<>();
        int cutShort = 0;
        for (int round = 1; round <= KILLS; round++) {
            Burst burst = burst(layout, data, round);
            for (int id : burst.acknowledged) {
                acknowledged.put(round + "-" + id, message(round, id));
                recipients.put(round + "-" + id, recipientsOf(id));
            }
            cutShort += burst.cutShort.get();
        }
        assertTrue(cutShort > 0, "the kills landed while messages were in flight (sent, not yet answered)");

        Path root = data.resolve("maildir");
        List<Path> maildirs = new ArrayList<>();
        if (layout == MaildirLayout.SHARED) {
            maildirs.add(root);
        } else {
            for (String r : RECIPIENTS) {
                maildirs.add(root.resolve(MaildirNames.folderFor(r)));
            }
        }
        List<String> missing = new ArrayList<>();
        for (Path maildir : maildirs) {
            Map<String, byte[]> stored = storedMessages(maildir.resolve("new"));
            for (Map.Entry<String, byte[]> e : acknowledged.entrySet()) {
                boolean belongsHere = layout == MaildirLayout.SHARED
                        || recipients.get(e.getKey()).stream().anyMatch(r -> maildir.getFileName().toString().equals(MaildirNames.folderFor(r)));
                if (!belongsHere) {
                    continue;
                }
                byte[] body = stored.get(e.getKey());
                if (body == null) {
                    missing.add(e.getKey() + " in " + maildir.getFileName());
                } else {
                    assertArrayEquals(e.getValue(), body, "acknowledged message " + e.getKey() + " is stored byte for byte");
                }
            }
        }
        assertEquals(List.of(), missing, "acknowledged messages missing after the kills (" + acknowledged.size() + " acknowledged)");
        assertTrue(acknowledged.size() >= KILLS * 100, "the bursts got messages through: " + acknowledged.size());
    }

    /** What one burst left: the ids acknowledged with 250, and how many messages were sent but never answered. */
    private record Burst(Set<Integer> acknowledged, AtomicInteger cutShort) {
    }

    /** Starts the server on the Maildir under {@code data}, sends from 20 sessions, and SIGKILLs it mid-burst. */
    private Burst burst(MaildirLayout layout, Path data, int round) throws Exception {
        Path ready = dir.resolve("ready-" + layout + "-" + round + ".json");
        Path log = dir.resolve("server-" + layout + "-" + round + ".log");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.berth.launcher.Launcher",
                "--protocols", "smtp", "--host", "127.0.0.1", "--smtp-port", "0", "--smtp-tls", "none",
                "--smtp-hostname", "mx.test", "--smtp-maildir-layout", layout == MaildirLayout.SHARED ? "shared" : "per-recipient",
                "--log-level", "warn", "--data-dir", data.toString(), "--ready-file", ready.toString());
        Process server = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger cutShort = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < 600 && !Files.exists(ready) && server.isAlive(); i++) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(ready), "the server starts: " + Files.readString(log));
            Matcher m = Pattern.compile("\"port\": (\\d+)").matcher(Files.readString(ready));
            assertTrue(m.find());
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1)));
            AtomicInteger next = new AtomicInteger();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int t = 0; t < SESSIONS; t++) {
                Thread s = new Thread(() -> send(address, round, next, acknowledged, cutShort, stop, until), "burst-session-" + t);
                sessions.add(s);
                s.start();
            }
            // Kill once the burst is well under way, at a moment that differs from round to round.
            int threshold = 100 + ThreadLocalRandom.current().nextInt(100);
            for (int i = 0; i < 1200 && acknowledged.size() < threshold && server.isAlive(); i++) {
                Thread.sleep(10);
            }
            assertTrue(acknowledged.size() >= threshold, "messages are being accepted before the kill: " + acknowledged.size()
                    + "\n" + Files.readString(log));
        } finally {
            server.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful stop
            assertTrue(server.waitFor(30, TimeUnit.SECONDS));
            stop.set(true);
            for (Thread s : sessions) {
                s.join(30_000);
            }
        }
        return new Burst(acknowledged, cutShort);
    }

    /** One session: messages back to back until the server dies, recording each that got 250. */
    private static void send(InetSocketAddress address, int round, AtomicInteger next, Set<Integer> acknowledged,
                             AtomicInteger cutShort, AtomicBoolean stop, long until) {
        try (SmtpTestClient c = new SmtpTestClient(address)) {
            c.reply();
            c.command("EHLO burst.example");
            while (!stop.get() && System.nanoTime() < until) {
                int id = next.incrementAndGet();
                List<String> to = recipientsOf(id);
                c.send("MAIL FROM:<load@example.org>\r\nRCPT TO:<" + to.get(0) + ">\r\nRCPT TO:<" + to.get(1) + ">\r\nDATA\r\n");
                for (String expected : new String[] {"250", "250", "250", "354"}) {
                    String r = c.reply();
                    if (r == null || !r.startsWith(expected)) {
                        return;
                    }
                }
                c.send(stuffed(message(round, id)));
                String reply;
                try {
                    reply = c.reply();
                } catch (IOException e) {
                    reply = null;
                }
                if (reply == null) {
                    cutShort.incrementAndGet(); // sent whole, never answered: may or may not be stored
                    return;
                }
                if (reply.startsWith("250 ")) {
                    acknowledged.add(id);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the server was killed under us: what was acknowledged before is what counts
        }
    }

    /** The DATA section for {@code content}: lines starting with a dot get another, then the final dot line. */
    static byte[] stuffed(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 64);
        boolean lineStart = true;
        for (byte b : content) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        out.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /**
     * Every file in {@code newDir}, by marker, as the message after the two trace headers; each must be
     * whole: its size as its name gives it, its content exactly the message its marker names.
     */
    private static Map<String, byte[]> storedMessages(Path newDir) throws IOException {
        Map<String, byte[]> stored = new HashMap<>();
        if (!Files.isDirectory(newDir)) {
            return stored;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(newDir)) {
            files = s.toList();
        }
        for (Path p : files) {
            byte[] all = Files.readAllBytes(p);
            String name = p.getFileName().toString();
            assertTrue(name.endsWith(",S=" + all.length), "a file in new/ has the size its name gives: " + name + " has " + all.length);
            String text = new String(all, StandardCharsets.US_ASCII);
            assertTrue(text.startsWith("Return-Path: <load@example.org>\r\nReceived: from burst.example "), "trace headers first: " + name);
            int start = text.indexOf("\r\nMessage-ID: <burst-") + 2;
            Matcher id = MARKER.matcher(text);
            assertTrue(start > 1 && id.find(start) && id.start() == start, "a file in new/ is one of the messages sent: " + name);
            byte[] body = Arrays.copyOfRange(all, start, all.length);
            String key = id.group(1) + "-" + id.group(2);
            assertArrayEquals(message(Integer.parseInt(id.group(1)), Integer.parseInt(id.group(2))), body,
                    "a file in new/ is a whole message: " + name);
            stored.put(key, body);
        }
        return stored;
    }
}
