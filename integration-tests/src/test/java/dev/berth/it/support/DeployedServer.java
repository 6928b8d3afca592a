package dev.berth.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Berth module jar deployed as its own process ({@code java -jar server-X.jar ...}), bound to
 * loopback on ports the system picks, as an operator would run it. Its output goes to a log file;
 * {@link #stop()} sends SIGTERM and checks the process exits 0 and leaves nothing running.
 */
public final class DeployedServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeployedServer.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final String module;
    private final Process process;
    private final Path logFile;
    private final Path dataDir;
    private final Map<String, Listener> listeners;

    private DeployedServer(String module, Process process, Path logFile, Path dataDir, Map<String, Listener> listeners) {
        this.module = module;
        this.process = process;
        this.logFile = logFile;
        this.dataDir = dataDir;
        this.listeners = listeners;
    }

    /** A server of the module {@code server-X}, its files (data, log, ready file) under {@code workDir}. */
    public static Builder of(String module, Path workDir) {
        return new Builder(module, workDir);
    }

    /** The listener as the ready file reports it; a name the server did not bind fails the test. */
    public Listener listener(String name) {
        Listener l = listeners.get(name);
        if (l == null) {
            fail(module + " has no listener " + name + "; it bound " + listeners.values());
        }
        return l;
    }

    public int port(String name) {
        return listener(name).port();
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    /** Everything the process printed so far. */
    public String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /**
     * SIGTERM, then checks the graceful stop: exit code 0 within the time limit, no child process
     * left alive, and no TCP listener still accepting connections.
     */
    public void stop() {
        int code = terminate();
        assertEquals(0, code, () -> module + " exited " + code + " after SIGTERM instead of 0; its log:\n" + tail());
        log.info("{} (pid {}) stopped gracefully with exit code 0", module, process.pid());
    }

    /** Sends SIGTERM and returns at once, for a test that watches the drain while it runs. */
    public void signalTerm() {
        process.destroy();
    }

    /**
     * SIGTERM (a second one does no harm if {@link #signalTerm()} came first), then waits for the exit and
     * returns its code, after checking that no child process is left alive and no TCP listener still
     * accepts connections; the code is the caller's to check (0 for a clean drain, 3 when the deadline cut).
     */
    public int terminate() {
        List<ProcessHandle> descendants = process.descendants().collect(Collectors.toList());
        process.destroy(); // SIGTERM
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail(module + " did not exit within " + STOP_TIMEOUT + " of SIGTERM; its log:\n" + tail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        List<ProcessHandle> left = descendants.stream().filter(ProcessHandle::isAlive).collect(Collectors.toList());
        if (!left.isEmpty()) {
            fail(module + " left processes running after its exit: " + left);
        }
        for (Listener l : listeners.values()) {
            if (l.transport().equals("tcp") && accepts(l.address())) {
                fail(module + " exited but something still accepts connections on " + l);
            }
        }
        return process.exitValue();
    }

    /**
     * {@link #stop()} for each server that was started (nulls are skipped, for a set-up that failed
     * half-way); a server whose stop fails does not keep the others running.
     */
    public static void stopAll(DeployedServer... servers) {
        AssertionError first = null;
        for (DeployedServer s : servers) {
            if (s == null) {
                continue;
            }
            try {
                s.stop();
            } catch (AssertionError e) {
                s.close();
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** SIGKILL, as a crash would: no graceful stop, no checks. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills a process a failed test left running; a stopped one is left alone. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            kill();
        }
    }

    /** The last lines of the log, for failure messages. */
    public String tail() {
        String all = log();
        return all.length() > 8000 ? "[...]" + all.substring(all.length() - 8000) : all;
    }

    private static boolean accepts(InetSocketAddress address) {
        try (Socket s = new Socket()) {
            s.connect(address, 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** What to run: the module, its listeners on port 0, and any other flags. */
    public static final class Builder {
        private final String module;
        private final Path workDir;
        private final Map<String, String> flags = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();

        Builder(String module, Path workDir) {
            this.module = module;
            this.workDir = workDir;
        }

        /** Binds the listener {@code name} on a port the system picks ({@code --NAME-port 0}). */
        public Builder listener(String name) {
            return flag(name + "-port", "0");
        }

        /** Any launcher flag, without its leading dashes: {@code flag("echo-tls", "implicit")}. */
        public Builder flag(String name, String value) {
            flags.put(name, value);
            return this;
        }

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** Starts the process and waits for its ready file; a process that dies first fails the test with its log. */
        public DeployedServer start() {
            try {
                Files.createDirectories(workDir);
                Path dataDir = Files.createDirectories(workDir.resolve("data"));
                Path ready = workDir.resolve("ready.json");
                Path logFile = workDir.resolve(module + ".log");
                Files.deleteIfExists(ready);
                List<String> command = new ArrayList<>(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-jar", ModuleJars.of(module).toString(),
                        "--host", "127.0.0.1", "--data-dir", dataDir.toString(), "--ready-file", ready.toString()));
                flags.forEach((k, v) -> {
                    command.add("--" + k);
                    command.add(v);
                });
                ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
                pb.environment().putAll(env);
                Process p = pb.start();
                Instant deadline = Instant.now().plus(READY_TIMEOUT);
                while (!Files.exists(ready) && p.isAlive() && Instant.now().isBefore(deadline)) {
                    Thread.sleep(50);
                }
                String out = Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
                if (!Files.exists(ready)) {
                    p.destroyForcibly();
                    fail(module + (p.isAlive() ? " wrote no ready file within " + READY_TIMEOUT
                            : " exited " + p.waitFor() + " before it was ready") + "\n$ " + String.join(" ", command)
                            + "\n" + out);
                }
                Map<String, Listener> listeners = ReadyFile.parse(Files.readString(ready, StandardCharsets.UTF_8));
                log.info("{} (pid {}) ready: {}", module, p.pid(), listeners.values());
                return new DeployedServer(module, p, logFile, dataDir, listeners);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + module, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
