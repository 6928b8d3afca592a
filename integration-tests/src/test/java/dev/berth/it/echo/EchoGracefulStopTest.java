package dev.berth.it.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.DeployedServer;
import dev.berth.it.support.Program;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to the deployed server-echo jar while socat, its input still open, is being echoed: socat
 * gets the echo of what the server had read, then the end of the stream (never a reset), and leaves
 * with exit code 0; the server exits 0. In plaintext and over TLS.
 */
@Timeout(300)
class EchoGracefulStopTest {
    @TempDir
    Path dir;

    private final Program socat = Program.require("socat", "socat");

    @Test
    void socatWithItsInputOpenGetsItsWholeEchoThenTheEndOnSigterm() throws Exception {
        DeployedServer server = DeployedServer.of("server-echo", dir.resolve("server")).listener("echo")
                .flag("echo-udp-enabled", "false").flag("greeting-enabled", "false").flag("admin-enabled", "false").start();
        try {
            byte[] sent = payload(64 * 1024);
            Socat client = new Socat(dir.resolve("plain"), "TCP:" + server.listener("echo").hostPort(), sent);
            client.awaitOutput(sent.length);
            server.signalTerm();
            assertEquals(0, client.awaitExit(), client::stderr);
            assertArrayEquals(sent, client.output());
            assertEquals(0, server.terminate(), server::tail);
        } finally {
            server.close();
        }
    }

    @Test
    void socatBeingEchoedWhenSigtermComesGetsAnUnbrokenPrefixAndNoReset() throws Exception {
        DeployedServer server = DeployedServer.of("server-echo", dir.resolve("server")).listener("echo")
                .flag("echo-udp-enabled", "false").flag("greeting-enabled", "false").flag("admin-enabled", "false").start();
        try {
            byte[] sent = payload(32 << 20);
            Socat client = new Socat(dir.resolve("inflight"), "TCP:" + server.listener("echo").hostPort(), sent);
            client.awaitOutput(1);
            server.signalTerm();
            assertEquals(0, client.awaitExit(), client::stderr);
            byte[] got = client.output();
            assertTrue(got.length > 0 && got.length <= sent.length, "echoed " + got.length + " bytes");
            assertArrayEquals(Arrays.copyOf(sent, got.length), got, "the echo is what was sent, in order, without a gap");
            assertEquals(0, server.terminate(), server::tail);
        } finally {
            server.close();
        }
    }

    @Test
    void overTlsSocatWithItsInputOpenGetsItsWholeEchoThenCloseNotifyOnSigterm() throws Exception {
        DeployedServer server = DeployedServer.of("server-echo", dir.resolve("server")).listener("echo")
                .flag("echo-tls", "implicit").flag("echo-udp-enabled", "false").flag("greeting-enabled", "false")
                .flag("admin-enabled", "false").start();
        try {
            byte[] sent = payload(64 * 1024);
            Socat client = new Socat(dir.resolve("tls"), "OPENSSL:127.0.0.1:" + server.port("echo") + ",verify=0", sent);
            client.awaitOutput(sent.length);
            server.signalTerm();
            assertEquals(0, client.awaitExit(), client::stderr);
            assertArrayEquals(sent, client.output());
            assertEquals(0, server.terminate(), server::tail);
        } finally {
            server.close();
        }
    }

    private static byte[] payload(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    /** socat with its standard input held open (as a person at a terminal), its output in a file the test watches. */
    private final class Socat {
        private final Process process;
        private final Path out;
        private final Path err;
        private final OutputStream stdin;

        Socat(Path work, String address, byte[] input) throws IOException {
            Files.createDirectories(work);
            out = work.resolve("stdout");
            err = work.resolve("stderr");
            process = new ProcessBuilder(List.of(socat.path().toString(), "-t", "5", "-", address))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            stdin = process.getOutputStream();
            Thread feeder = new Thread(() -> {
                try {
                    stdin.write(input);
                    stdin.flush();
                } catch (IOException e) {
                    // socat left before it took everything: the output tells the test the rest
                }
            }, "socat stdin");
            feeder.setDaemon(true);
            feeder.start();
        }

        void awaitOutput(long bytes) throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (Files.size(out) < bytes) {
                assertTrue(process.isAlive(), () -> "socat left early: " + stderr());
                assertTrue(System.nanoTime() < end, "socat printed " + Files.size(out) + " of " + bytes + " bytes");
                Thread.sleep(10);
            }
        }

        int awaitExit() throws Exception {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            stdin.close();
            return process.exitValue();
        }

        byte[] output() throws IOException {
            return Files.readAllBytes(out);
        }

        String stderr() {
            try {
                return Files.readString(err);
            } catch (IOException e) {
                return e.toString();
            }
        }
    }
}
