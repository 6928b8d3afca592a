package dev.berth.echo;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the command-line clients a user would talk to the server with (socat, ncat, openssl), each
 * bounded by a deadline. A missing client fails the test with the Debian package to install.
 */
final class Cli implements AutoCloseable {
    static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Map<String, String> PACKAGES = Map.of("socat", "socat", "ncat", "ncat", "openssl", "openssl");

    private final Process process;
    private final List<String> command;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread outPump;
    private final Thread errPump;

    private Cli(List<String> command) throws IOException {
        require(command.get(0));
        this.command = command;
        this.process = new ProcessBuilder(command).start();
        this.outPump = pump(process.getInputStream(), out);
        this.errPump = pump(process.getErrorStream(), err);
    }

    /** Starts a client whose standard input stays open for {@link #send}. */
    static Cli start(String... command) throws IOException {
        return new Cli(List.of(command));
    }

    /** Runs a client on the given standard input until it exits by itself, and returns what it printed. */
    static byte[] run(byte[] input, String... command) throws Exception {
        try (Cli c = start(command)) {
            Thread feeder = new Thread(() -> {
                try (OutputStream in = c.process.getOutputStream()) {
                    in.write(input);
                } catch (IOException e) {
                    // The client may close its input early; what it printed tells the test the rest.
                }
            }, "feed-" + command[0]);
            feeder.start();
            if (!c.process.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                fail(c.describe() + " did not finish within " + DEADLINE + "; it printed " + c.printed());
            }
            c.outPump.join(DEADLINE.toMillis());
            c.errPump.join(DEADLINE.toMillis());
            return c.output();
        }
    }

    static byte[] run(String input, String... command) throws Exception {
        return run(input.getBytes(StandardCharsets.UTF_8), command);
    }

    /** Fails the test unless {@code tool} is on the PATH. */
    static void require(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        fail(tool + " is not installed: these tests use it as a real client; install the Debian package "
                + PACKAGES.getOrDefault(tool, tool) + " (CI installs it from .ci/packages.d/echo.txt)");
    }

    void send(String text) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write(text.getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Waits until the client has printed at least {@code bytes} bytes, and returns all it printed. */
    byte[] awaitOutput(int bytes) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (output().length < bytes) {
            if (System.nanoTime() > end) {
                fail(describe() + " printed " + printed() + " within " + DEADLINE + ", expected " + bytes + " bytes");
            }
            Thread.sleep(10);
        }
        return output();
    }

    byte[] output() {
        synchronized (out) {
            return out.toByteArray();
        }
    }

    private String printed() {
        String e;
        synchronized (err) {
            e = err.toString(StandardCharsets.UTF_8);
        }
        return "'" + new String(output(), StandardCharsets.UTF_8) + "' (stderr: '" + e.strip() + "')";
    }

    private String describe() {
        return String.join(" ", command);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static Thread pump(InputStream from, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = from.read(buf)) >= 0; ) {
                    synchronized (to) {
                        to.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // The process ended.
            }
        }, "pump");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
