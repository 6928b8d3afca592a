package dev.berth.it.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.ContainerImages;
import dev.berth.it.support.DockerNotice;
import dev.berth.it.support.Maildir;
import dev.berth.it.support.ModuleJars;
import dev.berth.it.support.PlainSmtpClient;
import dev.berth.it.support.Ports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * server-smtp inside a container, its Maildir on a host directory, killed with {@code docker kill}
 * while four clients send: every message that got 250 is whole in {@code new/}, and nothing in
 * {@code new/} is partial.
 */
@ExtendWith(DockerNotice.class)
@Testcontainers(disabledWithoutDocker = true)
class SmtpCrashInContainerTest {
    private static final int CLIENTS = 4;
    private static final int ACKNOWLEDGED_BEFORE_KILL = 40;
    private static final Pattern MARKER = Pattern.compile("Message-ID: <(crash-\\d+-\\d+)@it\\.berth\\.dev>");

    @TempDir
    Path dir;

    /** A message of about 60 KiB, so that a kill often lands while one is being written. */
    private static byte[] message(String marker) {
        StringBuilder b = new StringBuilder()
                .append("From: <load@it.test>\r\nTo: <bob@example.com>\r\nMessage-ID: <").append(marker)
                .append("@it.berth.dev>\r\nSubject: ").append(marker).append("\r\n\r\n");
        for (int i = 0; i < 800; i++) {
            b.append(marker).append(" line ").append(i).append(" of a message cut short only by a crash\r\n");
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void everyAcknowledgedMessageIsWholeInTheMaildirAfterDockerKill() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        int port = Ports.freeLoopbackPort();
        Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean killed = new AtomicBoolean();
        try (GenericContainer<?> server = ContainerImages.container(ContainerImages.JRE)
                .withFileSystemBind(ModuleJars.of("server-smtp").toString(), "/berth/server-smtp.jar", BindMode.READ_ONLY)
                .withFileSystemBind(data.toString(), "/data", BindMode.READ_WRITE)
                .withCommand("java", "-jar", "/berth/server-smtp.jar", "--host", "127.0.0.1", "--smtp-port",
                        String.valueOf(port), "--data-dir", "/data", "--smtp-hostname", "crash.it.test")
                .waitingFor(Wait.forLogMessage(".*listening smtp tcp://127\\.0\\.0\\.1:" + port + ".*", 1)
                        .withStartupTimeout(Duration.ofSeconds(180)))) {
            server.start();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                pool.submit(() -> {
                    // Bounded: at most 500 messages per client, and it stops at the first broken session.
                    try (PlainSmtpClient smtp = new PlainSmtpClient(new InetSocketAddress("127.0.0.1", port))) {
                        for (int i = 0; i < 500 && !killed.get(); i++) {
                            String marker = "crash-" + client + "-" + i;
                            byte[] m = message(marker);
                            if (smtp.send("load@it.test", "bob@example.com", m)) {
                                acknowledged.put(marker, m);
                            }
                        }
                    } catch (IOException expectedOnceKilled) {
                        // The kill cuts every session; what was acknowledged before it is what counts.
                    }
                    return null;
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (acknowledged.size() < ACKNOWLEDGED_BEFORE_KILL && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            DockerClientFactory.instance().client().killContainerCmd(server.getContainerId()).exec(); // SIGKILL
            killed.set(true);
            pool.shutdown();
            assertTrue(pool.awaitTermination(120, TimeUnit.SECONDS), "the clients noticed the crash");
        }
        assertTrue(acknowledged.size() >= ACKNOWLEDGED_BEFORE_KILL,
                () -> "traffic flowed before the kill: " + acknowledged.size() + " messages acknowledged");

        Maildir maildir = new Maildir(data.resolve("maildir"));
        Map<String, Integer> stored = new HashMap<>();
        for (Path p : maildir.messages()) {
            byte[] content = Maildir.read(p);
            Matcher m = MARKER.matcher(new String(content, StandardCharsets.US_ASCII));
            assertTrue(m.find(), () -> p + " in new/ is not one of the messages sent");
            // Whole: exactly the trace headers and the bytes sent, nothing cut off.
            Maildir.assertStoredExactly(message(m.group(1)), content);
            stored.merge(m.group(1), 1, Integer::sum);
        }
        Set<String> missing = new java.util.TreeSet<>(acknowledged.keySet());
        missing.removeAll(stored.keySet());
        assertEquals(Set.of(), missing, "every message that got 250 is in new/");
        List<Path> tmp = maildir.unfinished();
        System.out.printf("crash test: %d acknowledged, %d in new/, %d unfinished in tmp/%n",
                acknowledged.size(), stored.size(), tmp.size());
    }
}
