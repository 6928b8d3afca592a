package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipelining client that is still sending when the session ends with 421, and reads only once it has
 * stopped, gets every reply, the 421 last, and then the end of the stream. The replies wait in the server's
 * send queue while the client's receive window is full; a plain close with the client's commands still
 * arriving made the kernel reset the connection and drop that queue, the 421 with it.
 */
class SmtpCloseAfterErrorTest {
    private static final int NOOPS = 4000;
    @TempDir
    static Path maildir;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer(maildir, SmtpConfig.builder().serverName("mx.test").maxErrors(3).build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theLast421ReachesAPipeliningClientStillSendingAndTheConnectionThenEnds() throws Exception {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(server.address(), 5000);
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            // about 60 KB of replies the client does not read yet, then three errors: the third ends the session
            out.write(("EHLO client.example\r\n" + "NOOP\r\n".repeat(NOOPS) + "BOGUS\r\n".repeat(3))
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] more = ("NOOP" + " ".repeat(1018) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            // about 1 s of more commands, well under the lingering bounds; ends early if the server resets
            CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        out.write(more);
                        out.flush();
                        Thread.sleep(5);
                    }
                } catch (IOException resetByTheServer) {
                    // what the test is about: the reset that also drops the server's replies
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).get(30, TimeUnit.SECONDS);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            String end;
            try {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[16 * 1024];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    got.write(buf, 0, n);
                }
                end = "end of stream";
            } catch (IOException e) {
                end = e.toString();
            }
            String[] lines = got.toString(StandardCharsets.US_ASCII).split("\r\n");
            String tail = Arrays.toString(Arrays.copyOfRange(lines, Math.max(0, lines.length - 2), lines.length));
            assertTrue(lines[0].startsWith("220 "), lines[0]);
            assertEquals(NOOPS, Arrays.stream(lines).filter(l -> l.startsWith("250 2.0.0")).count(),
                    lines.length + " lines read, ending " + tail + ", then " + end);
            assertTrue(lines[lines.length - 1].startsWith("421 4.7.0 "), tail + ", then " + end);
            assertEquals("end of stream", end);
        }
    }

    @Test
    void afterQuitTheServerClosesAsSoonAsTheClientHasNotAfterTheLingeringBound() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(server.address(), 5000);
            s.setSoTimeout(15_000);
            InputStream in = s.getInputStream();
            s.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            String got = new String(in.readAllBytes(), StandardCharsets.US_ASCII); // to the server's FIN
            assertTrue(got.startsWith("220 ") && got.contains("\r\n221 "), got);
            long closedAt = System.nanoTime();
            s.shutdownOutput();
            // the lingering close reads the client's FIN and closes then, well before its 5 s bound
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < until && server.meters.find("berth.connections.active").tag("listener", "smtp")
                    .gauge().value() > 0) {
                Thread.sleep(10);
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt);
            assertEquals(0, server.meters.find("berth.connections.active").tag("listener", "smtp").gauge().value(),
                    "still open " + ms + " ms after the client closed");
            assertTrue(ms < 3000, "the server closed " + ms + " ms after the client did, not at the 5 s bound");
        }
    }
}
