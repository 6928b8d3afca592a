package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability promise under a crash: the server runs in a child JVM and is killed with SIGKILL
 * while clients are sending. Every message that got its 250 must be whole in new/, and every file
 * in new/ must be a whole message. (A killed process tests the write-fsync-rename order; it cannot
 * simulate a power cut, which the fsyncs are for.)
 */
class DurabilityTest {
    private static final Pattern SUBJECT = Pattern.compile("Subject: durable-(\\d+)\r\n");

    @TempDir
    Path dir;

    static String message(int id) {
        StringBuilder b = new StringBuilder("Subject: durable-" + id + "\r\n\r\n");
        for (int i = 0; i < 800; i++) {
            b.append("message ").append(id).append(" line ").append(i).append(" ").append("abcdefghij".repeat(7)).append("\r\n");
        }
        return b.toString();
    }

    @Test
    void everyAcknowledgedMessageSurvivesAKillAndNoPartialMessageIsInNew() throws Exception {
        Path ready = dir.resolve("ready.json");
        Path data = dir.resolve("data");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.berth.launcher.Launcher",
                "--protocols", "smtp", "--host", "127.0.0.1", "--smtp-port", "0", "--smtp-tls", "none",
                "--smtp-hostname", "mx.test",
                "--data-dir", data.toString(), "--ready-file", ready.toString());
        Process server = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile()).start();
        Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        List<Thread> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 400 && !Files.exists(ready) && server.isAlive(); i++) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(ready), "the server starts: " + Files.readString(dir.resolve("server.log")));
            Matcher m = Pattern.compile("\"port\": (\\d+)").matcher(Files.readString(ready));
            assertTrue(m.find());
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1)));

            AtomicInteger next = new AtomicInteger();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (int t = 0; t < 4; t++) {
                Thread client = new Thread(() -> send(address, next, acknowledged, until), "durability-client-" + t);
                clients.add(client);
                client.start();
            }
            for (int i = 0; i < 400 && acknowledged.size() < 20; i++) {
                Thread.sleep(25);
            }
            assertTrue(acknowledged.size() >= 20, "messages are being accepted before the kill: " + acknowledged.size());
        } finally {
            server.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful stop
            assertTrue(server.waitFor(30, TimeUnit.SECONDS));
            for (Thread c : clients) {
                c.join(30_000);
            }
        }

        Path newDir = data.resolve("maildir").resolve("new");
        List<Path> stored;
        try (Stream<Path> s = Files.list(newDir)) {
            stored = s.collect(Collectors.toList());
        }
        Set<Integer> whole = ConcurrentHashMap.newKeySet();
        for (Path p : stored) {
            String text = Files.readString(p);
            Matcher id = SUBJECT.matcher(text);
            assertTrue(id.find(), "a stored file is a message: " + p);
            int n = Integer.parseInt(id.group(1));
            assertEquals(message(n), TestServer.body(p), "stored message " + n + " is whole");
            whole.add(n);
        }
        Set<Integer> lost = acknowledged.stream().filter(n -> !whole.contains(n)).collect(Collectors.toSet());
        assertEquals(Set.of(), lost, "acknowledged messages missing after the kill");
        assertTrue(whole.size() >= acknowledged.size());
    }

    /** Sends messages one after another, recording each that got 250, until the server dies or time is up. */
    private static void send(InetSocketAddress address, AtomicInteger next, Set<Integer> acknowledged, long until) {
        try (SmtpTestClient c = new SmtpTestClient(address)) {
            c.reply();
            c.command("EHLO durability.example");
            while (System.nanoTime() < until) {
                int id = next.incrementAndGet();
                c.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n");
                if (!c.reply().startsWith("250") || !c.reply().startsWith("250") || !c.reply().startsWith("354")) {
                    return;
                }
                String reply = c.command(message(id) + ".");
                if (reply == null) {
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
}
