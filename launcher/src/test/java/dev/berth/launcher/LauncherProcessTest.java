package dev.berth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.testing.LineClient;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher as a real process: ready file, environment variables, SIGTERM and exit codes. */
class LauncherProcessTest {

    @TempDir
    Path dir;

    private Process start(List<String> args, Path log, String... env) throws Exception {
        return start(List.of(), args, log, env);
    }

    private Process start(List<String> jvm, List<String> args, Path log, String... env) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path")));
        cmd.addAll(jvm);
        cmd.add("dev.berth.launcher.Launcher");
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        for (int i = 0; i < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        return pb.start();
    }

    private static void waitFor(Path file, Process p) throws Exception {
        for (int i = 0; i < 300 && !Files.exists(file) && p.isAlive(); i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(file), "the ready file appears");
    }

    @Test
    void sigtermStopsGracefullyAndExitsZero() throws Exception {
        Path ready = dir.resolve("ready.json");
        Path log = dir.resolve("out.log");
        Process p = start(List.of("--upper-port", "0", "--ready-file", ready.toString(), "--data-dir", dir.toString()),
                log, "BERTH_HOST", "127.0.0.1");
        try {
            waitFor(ready, p);
            Matcher m = Pattern.compile("\"port\": (\\d+)").matcher(Files.readString(ready));
            assertTrue(m.find());
            int port = Integer.parseInt(m.group(1));
            try (LineClient c = new LineClient(new InetSocketAddress("127.0.0.1", port))) {
                assertEquals("FROM A PROCESS", c.send("from a process\n").readLine());
            }
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(out.contains("listening upper tcp://127.0.0.1:" + port), out);
            assertTrue(out.contains("stopped"), out);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aBadEnvironmentVariableFailsAtStartNamingTheFlagWithoutAStackTrace() throws Exception {
        Path log = dir.resolve("out.log");
        Process p = start(List.of(), log, "BERTH_UPPER_MAX_CONNECTIONS", "lots");
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(Launcher.EXIT_CONFIG, p.exitValue());
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals("berth: invalid value for --upper-max-connections: 'lots' is not a whole number\n", out);
        assertFalse(out.contains("Exception"));
    }

    /** Starts on port 0, waits until bound, stops with SIGTERM; returns everything the process wrote. */
    private String runOnce(List<String> jvm, String... args) throws Exception {
        Path ready = dir.resolve("ready.json");
        Files.deleteIfExists(ready);
        Path log = dir.resolve("out.log");
        List<String> all = new java.util.ArrayList<>(List.of("--host", "127.0.0.1", "--upper-port", "0",
                "--ready-file", ready.toString(), "--data-dir", dir.toString()));
        all.addAll(List.of(args));
        Process p = start(jvm, all, log);
        try {
            waitFor(ready, p);
            p.destroy(); // SIGTERM at once: the handlers are in place before the ready file is written
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    /** Runs a launcher that should not start; returns its exit code and output. */
    private String failsToStart(List<String> jvm, String... args) throws Exception {
        Path log = dir.resolve("fail.log");
        Process p = start(jvm, List.of(args), log);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        return p.exitValue() + " " + Files.readString(log, StandardCharsets.UTF_8);
    }

    @Test
    void logFormatJsonWritesEveryLineAsAJsonObject() throws Exception {
        String out = runOnce(List.of(), "--log-format", "json");
        assertTrue(out.contains("\"formattedMessage\":\"listening upper tcp:\\/\\/127.0.0.1:"), out);
        for (String line : out.split("\n")) {
            assertTrue(line.startsWith("{\"timestamp\":") && line.endsWith("}"), line);
        }
        assertTrue(out.contains("\"level\":\"INFO\""), out);
    }

    private Path logbackFile(String xml) throws Exception {
        Path f = dir.resolve("logback-custom.xml");
        Files.writeString(f, xml);
        return f;
    }

    private static final String CUSTOM = "<configuration><appender name=\"out\" class=\"ch.qos.logback.core.ConsoleAppender\">"
            + "<encoder><pattern>CUSTOM %level %msg%n</pattern></encoder></appender>"
            + "<root level=\"WARN\"><appender-ref ref=\"out\"/></root></configuration>";

    @Test
    void aCustomLogbackFileKeepsItsLevelsUnlessLogLevelIsGivenAndThenSaysSo() throws Exception {
        Path xml = logbackFile(CUSTOM);
        String quiet = runOnce(List.of("-Dlogback.configurationFile=" + xml));
        assertFalse(quiet.contains("listening"), "the file's root level WARN holds: " + quiet);
        String loud = runOnce(List.of("-Dlogback.configurationFile=" + xml), "--log-level", "info");
        assertTrue(loud.contains("CUSTOM INFO --log-level info replaces the root level WARN of " + xml + "\n"), loud);
        assertTrue(loud.contains("CUSTOM INFO listening upper"), loud);
    }

    @Test
    void aMissingOrBrokenLogbackFileIsOneLineAndExitTwo() throws Exception {
        Path missing = dir.resolve("nope.xml");
        assertEquals("2 berth: -Dlogback.configurationFile=" + missing
                + ": no such readable file (logback would silently use its defaults)\n",
                failsToStart(List.of("-Dlogback.configurationFile=" + missing), "--upper-port", "0"));
        Path broken = logbackFile(CUSTOM.replace("</configuration>", ""));
        String out = failsToStart(List.of("-Dlogback.configurationFile=" + broken), "--upper-port", "0");
        assertTrue(out.startsWith("2 berth: -Dlogback.configurationFile=" + broken + ": line 1: not well-formed XML"), out);
        assertEquals(1, out.lines().count(), out);
        Path unknown = logbackFile(CUSTOM.replace("ch.qos.logback.core.ConsoleAppender", "no.such.Appender"));
        out = failsToStart(List.of("-Dlogback.configurationFile=" + unknown), "--upper-port", "0");
        assertTrue(out.startsWith("2 berth: -Dlogback.configurationFile=" + unknown + ": Could not create an Appender"), out);
        assertEquals(1, out.lines().count(), out);
    }

    @Test
    void jsonFormatWithACustomLogbackFileIsRefused() throws Exception {
        Path xml = logbackFile(CUSTOM);
        String out = failsToStart(List.of("-Dlogback.configurationFile=" + xml), "--upper-port", "0", "--log-format", "json");
        assertTrue(out.startsWith("2 berth: --log-format json needs Berth's own logging set-up"), out);
        assertEquals(1, out.lines().count(), out);
    }
}
