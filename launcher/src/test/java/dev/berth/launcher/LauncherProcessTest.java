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
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.berth.launcher.Launcher"));
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
}
