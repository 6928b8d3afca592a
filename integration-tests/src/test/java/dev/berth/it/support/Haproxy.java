package dev.berth.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy (Debian's haproxy) run in the foreground on loopback with a configuration the test
 * writes, and asked about its servers' health through its admin socket.
 */
public final class Haproxy implements AutoCloseable {
    private final Process process;
    private final Path socket;
    private final Path log;

    private Haproxy(Process process, Path socket, Path log) {
        this.process = process;
        this.socket = socket;
        this.log = log;
    }

    /**
     * Starts haproxy with {@code config} (which must declare {@code stats socket SOCKET}, where
     * SOCKET is replaced by the admin socket's path) and waits for the socket to answer.
     */
    public static Haproxy start(Path dir, String config) {
        try {
            Files.createDirectories(dir);
            Path socket = dir.resolve("admin.sock");
            Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), config.replace("SOCKET", socket.toString()));
            return run(dir, cfg, socket, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts haproxy with a configuration file as shipped (e.g. {@code distribution/haproxy/haproxy.cfg}),
     * whose addresses come from the environment: {@code env} is added to haproxy's, with
     * {@code BERTH_HAPROXY_SOCKET} set to the admin socket's path.
     */
    public static Haproxy startFile(Path dir, Path config, Map<String, String> env) {
        try {
            Files.createDirectories(dir);
            Path socket = dir.resolve("admin.sock");
            Map<String, String> all = new HashMap<>(env);
            all.put("BERTH_HAPROXY_SOCKET", socket.toString());
            return run(dir, config, socket, all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Haproxy run(Path dir, Path cfg, Path socket, Map<String, String> env) throws IOException {
        Program haproxy = Program.require("haproxy", "haproxy");
        Path log = dir.resolve("haproxy.log");
        try {
            ProcessBuilder check = new ProcessBuilder(haproxy.path().toString(), "-c", "-f", cfg.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy-check.log").toFile());
            check.environment().putAll(env);
            Process c = check.start();
            if (!c.waitFor(30, TimeUnit.SECONDS) || c.exitValue() != 0) {
                c.destroyForcibly();
                return fail("haproxy -c refuses " + cfg + ":\n" + Files.readString(dir.resolve("haproxy-check.log")));
            }
            ProcessBuilder pb = new ProcessBuilder(haproxy.path().toString(), "-db", "-f", cfg.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            Haproxy h = new Haproxy(p, socket, log);
            Instant deadline = Instant.now().plusSeconds(30);
            while (Instant.now().isBefore(deadline) && p.isAlive()) {
                if (Files.exists(socket)) {
                    try {
                        h.command("show info");
                        return h;
                    } catch (UncheckedIOException notYet) {
                        // The socket file appears before haproxy accepts on it.
                    }
                }
                Thread.sleep(50);
            }
            p.destroyForcibly();
            return fail("haproxy did not come up:\n" + Files.readString(log));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One command on the admin socket, and its answer. */
    public String command(String command) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            StringBuilder out = new StringBuilder();
            while (ch.read(buf) >= 0) {
                buf.flip();
                out.append(StandardCharsets.US_ASCII.decode(buf));
                buf.clear();
            }
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("haproxy admin socket " + socket + ": " + e.getMessage(), e);
        }
    }

    /** The field {@code column} (a {@code show stat} header name) of {@code backend/server}. */
    public String stat(String backend, String server, String column) {
        String[] lines = command("show stat").split("\n");
        List<String> header = List.of(lines[0].replaceFirst("^# ", "").split(",", -1));
        int index = header.indexOf(column);
        if (index < 0) {
            fail("haproxy's show stat has no column " + column + ": " + lines[0]);
        }
        for (String line : lines) {
            List<String> f = List.of(line.split(",", -1));
            if (f.size() > index && f.get(0).equals(backend) && f.get(1).equals(server)) {
                return f.get(index);
            }
        }
        return fail("haproxy reports no server " + backend + "/" + server);
    }

    /**
     * Waits until a health check of {@code backend/server} has really passed: haproxy counts a
     * server as UP before its first check, so UP alone proves nothing at start.
     */
    public void awaitHealthy(String backend, String server) {
        awaitStat(backend, server, "UP", "L7OK");
    }

    /** Waits until the health checks have marked {@code backend/server} DOWN. */
    public void awaitDown(String backend, String server) {
        awaitStat(backend, server, "DOWN", "");
    }

    private void awaitStat(String backend, String server, String status, String checkStatus) {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (stat(backend, server, "status").startsWith(status)
                    && stat(backend, server, "check_status").replace("* ", "").startsWith(checkStatus)) {
                return;
            }
            sleep(100);
        }
        fail("haproxy still reports " + backend + "/" + server + " as " + stat(backend, server, "status") + " ("
                + stat(backend, server, "check_status") + "), not " + status + " " + checkStatus + "\n" + log());
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
