package dev.berth.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real client program on this machine (socat, curl, swaks, ...), found on the PATH or in
 * {@code /usr/sbin}; a missing one fails the test naming the Debian package that brings it.
 */
public final class Program {
    private static final List<String> EXTRA_DIRS = List.of("/usr/sbin", "/sbin", "/usr/local/sbin");

    private final Path executable;
    private final String debianPackage;

    private Program(Path executable, String debianPackage) {
        this.executable = executable;
        this.debianPackage = debianPackage;
    }

    /** The program {@code name} from the Debian package {@code debianPackage}, or a failed test saying to install it. */
    public static Program require(String name, String debianPackage) {
        List<String> dirs = new ArrayList<>(Arrays.asList(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(EXTRA_DIRS);
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return new Program(p, debianPackage);
            }
        }
        return fail("the integration tests need `" + name + "`: apt-get install -y --no-install-recommends "
                + debianPackage + " (CI installs it from .ci/packages.d/it.txt)");
    }

    public Path path() {
        return executable;
    }

    /** A run of this program with these arguments; set input, environment and time limit, then {@link Invocation#run()}. */
    public Invocation args(String... args) {
        return new Invocation(this, List.of(args));
    }

    public Invocation args(List<String> args) {
        return new Invocation(this, args);
    }

    @Override
    public String toString() {
        return executable + " (Debian package " + debianPackage + ")";
    }

    /** One run of a program: its input comes from a file and its output goes to files, so no pipe can fill up. */
    public static final class Invocation {
        private final Program program;
        private final List<String> args;
        private final Map<String, String> env = new LinkedHashMap<>();
        private byte[] stdin = new byte[0];
        private Duration timeout = Duration.ofSeconds(60);
        private Path workDir;
        private long holdStdinUntil = -1;

        Invocation(Program program, List<String> args) {
            this.program = program;
            this.args = List.copyOf(args);
        }

        public Invocation stdin(byte[] bytes) {
            this.stdin = bytes.clone();
            return this;
        }

        public Invocation stdin(String text) {
            return stdin(text.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Keeps standard input open after the input until the program has printed {@code bytes}
         * bytes, like a person who waits for the answer before hanging up; without it the input ends
         * at once, as with a file.
         */
        public Invocation holdStdinUntilOutput(long bytes) {
            this.holdStdinUntil = bytes;
            return this;
        }

        public Invocation env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Invocation timeout(Duration limit) {
            this.timeout = limit;
            return this;
        }

        public Invocation workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        /** Starts the program without waiting; the caller waits with {@link Running#await()}. */
        public Running start() {
            try {
                Path dir = Files.createTempDirectory("berth-it-run");
                Path in = Files.write(dir.resolve("stdin"), stdin);
                List<String> command = new ArrayList<>();
                command.add(program.executable.toString());
                command.addAll(args);
                ProcessBuilder pb = new ProcessBuilder(command)
                        .redirectInput(holdStdinUntil < 0 ? ProcessBuilder.Redirect.from(in.toFile())
                                : ProcessBuilder.Redirect.PIPE)
                        .redirectOutput(dir.resolve("stdout").toFile())
                        .redirectError(dir.resolve("stderr").toFile());
                if (workDir != null) {
                    pb.directory(workDir.toFile());
                }
                pb.environment().putAll(env);
                Process p = pb.start();
                if (holdStdinUntil >= 0) {
                    feed(p, dir.resolve("stdout"));
                }
                return new Running(command, p, dir, timeout);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + program, e);
            }
        }

        private void feed(Process p, Path stdout) {
            Thread t = new Thread(() -> {
                try (var in = p.getOutputStream()) {
                    in.write(stdin);
                    in.flush();
                    long deadline = System.nanoTime() + timeout.toNanos();
                    while (p.isAlive() && Files.size(stdout) < holdStdinUntil && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                } catch (IOException e) {
                    // The program closed its input early; what it printed tells the test the rest.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "stdin of " + program.executable.getFileName());
            t.setDaemon(true);
            t.start();
        }

        /** Runs the program to its end (or fails the test past the time limit) and returns what it printed. */
        public Result run() {
            return start().await();
        }
    }

    /** A program that was started and has not been waited for yet. */
    public static final class Running {
        private final List<String> command;
        private final Process process;
        private final Path dir;
        private final Duration timeout;

        Running(List<String> command, Process process, Path dir, Duration timeout) {
            this.command = command;
            this.process = process;
            this.dir = dir;
            this.timeout = timeout;
        }

        public Result await() {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    Result partial = read(-1);
                    fail(String.join(" ", command) + " did not finish within " + timeout + "; it printed:\n"
                            + partial.describe());
                }
                return read(process.exitValue());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IllegalStateException("interrupted while waiting for " + command.get(0), e);
            }
        }

        private Result read(int exit) {
            try {
                Result r = new Result(command, exit, Files.readAllBytes(dir.resolve("stdout")),
                        Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8));
                for (String f : new String[] {"stdin", "stdout", "stderr"}) {
                    Files.deleteIfExists(dir.resolve(f));
                }
                Files.deleteIfExists(dir);
                return r;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** What a finished program printed, and its exit code. */
    public static final class Result {
        private final List<String> command;
        private final int exitCode;
        private final byte[] stdout;
        private final String stderr;

        Result(List<String> command, int exitCode, byte[] stdout, String stderr) {
            this.command = command;
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        public int exitCode() {
            return exitCode;
        }

        public byte[] stdoutBytes() {
            return stdout.clone();
        }

        public String stdout() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        public String stderr() {
            return stderr;
        }

        /** This result, after failing the test with everything the program printed if it did not exit 0. */
        public Result assertSuccess() {
            if (exitCode != 0) {
                fail(command.get(0) + " exited " + exitCode + ":\n" + describe());
            }
            return this;
        }

        /** The command line, exit code and output, for failure messages. */
        public String describe() {
            String out = stdout();
            return "$ " + String.join(" ", command) + "\nexit code " + exitCode + "\n--- stdout ---\n"
                    + (out.length() > 20_000 ? out.substring(0, 20_000) + "\n[...]" : out)
                    + "\n--- stderr ---\n" + stderr;
        }
    }
}
