package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docs' application run as its own process, as a user runs it: it stays up until SIGTERM, then stops gracefully. */
class ExampleProcessTest {
    @TempDir
    Path dir;

    @Test
    void theDocsApplicationStaysUpUntilSigtermAndThenStopsCleanly() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path log = dir.resolve("app.log");
        Path logback = dir.resolve("logback.xml"); // INFO, to see the graceful stop's own lines
        Files.writeString(logback, "<configuration><appender name=\"out\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                + "<encoder><pattern>%level %logger - %msg%n</pattern></encoder></appender>"
                + "<root level=\"INFO\"><appender-ref ref=\"out\"/></root></configuration>");
        Process app = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + logback, "-cp", System.getProperty("java.class.path"),
                "example.hello.HelloApp", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String base = "http://127.0.0.1:" + port;
            String answer = "";
            for (int i = 0; i < 200 && app.isAlive() && !answer.equals("hi"); i++) {
                Thread.sleep(50);
                answer = Curl.runQuietly(base + "/hello");
            }
            assertEquals("hi", answer, "the application answers once started: " + Files.readString(log));
            // Long after main's own work is done, the application is still up and answering.
            assertTrue(!app.waitFor(2, TimeUnit.SECONDS), "the process is still running: " + Files.readString(log));
            assertEquals("user 7", Curl.run(base + "/users/7"));
            app.destroy(); // SIGTERM
            assertTrue(app.waitFor(15, TimeUnit.SECONDS), "SIGTERM stops it");
            // 143 (128 + SIGTERM) is how every JVM exits on SIGTERM once its shutdown hooks are done.
            assertEquals(143, app.exitValue(), Files.readString(log));
            List<String> lines = Files.readAllLines(log);
            assertTrue(lines.contains("INFO dev.berth.core.Server - stopped"), "the graceful stop ran: " + lines);
        } finally {
            app.destroyForcibly();
        }
    }
}
