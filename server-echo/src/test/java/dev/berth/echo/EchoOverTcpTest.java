package dev.berth.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.testing.LineClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The TCP echo on port 0, talked to with socat, ncat and plain Java sockets. */
@Timeout(60)
class EchoOverTcpTest {
    @TempDir
    Path dir;

    private Server server;
    private String port;

    @BeforeEach
    void start() {
        server = Server.builder().dataDirectory(dir).module(new EchoModule())
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1").build())
                .build().start();
        port = String.valueOf(server.localAddress("echo").getPort());
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    @Test
    void socatGetsItsLineBack() throws Exception {
        byte[] out = Cli.run("hello, echo\r\n", "socat", "-t", "30", "-", "TCP:127.0.0.1:" + port);
        assertEquals("hello, echo\r\n", new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void ncatGetsItsLinesBack() throws Exception {
        byte[] out = Cli.run("one\ntwo\r\nthree", "ncat", "127.0.0.1", port);
        assertEquals("one\ntwo\r\nthree", new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void socatSendingAMegabyteAndShuttingItsSideGetsEveryByteBackThenTheServerCloses() throws Exception {
        byte[] data = random(1 << 20, 7);
        // socat shuts down its write side at the end of its input and exits when the server closes.
        byte[] out = Cli.run(data, "socat", "-t", "30", "-", "TCP:127.0.0.1:" + port);
        assertArrayEquals(data, out);
    }

    @Test
    void afterTheClientShutsItsWriteSideTheServerSendsTheRestThenCloses() throws Exception {
        byte[] data = random(300_000, 11);
        try (Socket s = new Socket("127.0.0.1", Integer.parseInt(port))) {
            s.setSoTimeout(30_000);
            CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> readAll(s));
            OutputStream out = s.getOutputStream();
            out.write(data);
            out.flush();
            s.shutdownOutput();
            // readAll ends only at the server's FIN: the close after the last byte.
            assertArrayEquals(data, echoed.get());
        }
    }

    @Test
    void aGracefulStopEndsALiveEchoWithTheServerClosingIt() throws Exception {
        try (LineClient c = new LineClient(server.localAddress("echo"), 30_000)) {
            assertEquals("before the stop", c.send("before the stop\n").readLine());
            assertTrue(server.stop(Duration.ofSeconds(20)), "the echo closed within the deadline");
            assertTrue(c.closedByServer());
        }
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] readAll(Socket s) {
        try (InputStream in = s.getInputStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
