package dev.berth.it.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.DeployedServer;
import dev.berth.it.support.Maildir;
import dev.berth.it.support.Program;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to the deployed server-smtp jar while swaks is in the middle of a large message's DATA:
 * the message is finished, answered 250 and stored byte for byte, an idle session gets
 * {@code 421 4.3.2}, and the process exits 0 because the drain was clean.
 */
@Timeout(300)
class SmtpGracefulStopTest {
    /** About 8 MB of body: at {@link #RELAY_BYTES_PER_SECOND} it takes seconds to send. */
    private static final int BODY_LINES = 100_000;
    private static final int RELAY_BYTES_PER_SECOND = 2 << 20;
    /** Forwarded before SIGTERM: the envelope is done and the body is well under way. */
    private static final long SIGTERM_AFTER = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void swaksInTheMiddleOfALargeDataGets250AndItsMessageIsStoredWhileAnIdleSessionGets421() throws Exception {
        DeployedServer server = DeployedServer.of("server-smtp", dir.resolve("server")).listener("smtp")
                .flag("smtp-hostname", "mx.it.test").flag("shutdown-timeout", "120s").flag("admin-enabled", "false")
                .start();
        try (Relay relay = new Relay(server.listener("smtp").address(), RELAY_BYTES_PER_SECOND);
             Socket idle = new Socket()) {
            String marker = "graceful-" + System.nanoTime();
            byte[] message = largeMessage(marker);
            Path eml = Files.write(dir.resolve("large.eml"), java.util.Arrays.copyOf(message, message.length - 2));

            idle.connect(server.listener("smtp").address(), 10_000);
            idle.setSoTimeout(60_000);
            BufferedReader idleIn = new BufferedReader(new InputStreamReader(idle.getInputStream(), StandardCharsets.US_ASCII));
            assertTrue(lastLine(idleIn).startsWith("220 "));
            idle.getOutputStream().write("EHLO idle.it.test\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(lastLine(idleIn).startsWith("250 "));

            // swaks talks to the server through a relay that passes its bytes on at a bounded rate.
            Program.Running swaks = Program.require("swaks", "swaks").args("--server", "127.0.0.1:" + relay.port(),
                    "--from", "alice@example.org", "--to", "bob@example.com", "--helo", "slow.it.test",
                    "--data", "@" + eml, "--suppress-data").timeout(Duration.ofSeconds(180)).start();
            assertTrue(relay.awaitForwarded(SIGTERM_AFTER, 120), "swaks got under way");
            server.signalTerm();

            assertEquals("421 4.3.2 Service shutting down, closing connection", lastLine(idleIn));
            assertEquals(-1, idle.getInputStream().read(), "the idle session is closed");
            assertTrue(relay.forwarded() < message.length, "SIGTERM came while the DATA was still in flight ("
                    + relay.forwarded() + " of " + message.length + " bytes forwarded)");

            Program.Result r = swaks.await();
            assertTrue(r.stdout().contains("<-  250 2.0.0 OK queued as "), r::describe);
            assertTrue(r.stdout().contains("421 4.3.2 Service shutting down"), r::describe);
            assertEquals(0, server.terminate(), () -> "a clean drain exits 0; the log:\n" + server.tail());
            assertTrue(server.log().contains("every connection finished within the drain deadline"), server::tail);
            Maildir.assertStoredExactly(message, new Maildir(server.dataDir().resolve("maildir")).messageContaining(marker));
        } finally {
            server.close();
        }
    }

    /** A message of CRLF lines, none starting with a dot, with a marker to find it by. */
    private static byte[] largeMessage(String marker) {
        StringBuilder b = new StringBuilder(BODY_LINES * 80);
        b.append("From: alice@example.org\r\nTo: bob@example.com\r\nSubject: ").append(marker).append("\r\n\r\n");
        for (int i = 0; i < BODY_LINES; i++) {
            b.append(String.format("%08d ", i)).append("the quick brown fox jumps over the lazy dog, line after line.\r\n");
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String lastLine(BufferedReader in) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                return null;
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    /**
     * A TCP relay for one client: the client's bytes go to the server at a bounded rate (a slow
     * sender, as over a thin link), the server's go back at once.
     */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket listener;
        private final InetSocketAddress server;
        private final int bytesPerSecond;
        private final AtomicLong forwarded = new AtomicLong();
        private volatile Socket client;
        private volatile Socket upstream;

        Relay(InetSocketAddress server, int bytesPerSecond) throws IOException {
            this.server = server;
            this.bytesPerSecond = bytesPerSecond;
            this.listener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::run, "relay");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        long forwarded() {
            return forwarded.get();
        }

        /** True once {@code bytes} of the client's have been forwarded, false after {@code seconds}. */
        boolean awaitForwarded(long bytes, int seconds) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (forwarded.get() < bytes) {
                if (System.nanoTime() > end) {
                    return false;
                }
                Thread.sleep(10);
            }
            return true;
        }

        private void run() {
            try {
                client = listener.accept();
                upstream = new Socket();
                upstream.connect(server, 10_000);
                Thread back = new Thread(() -> copy(upstream, client, Integer.MAX_VALUE, null), "relay-back");
                back.setDaemon(true);
                back.start();
                copy(client, upstream, bytesPerSecond, forwarded);
            } catch (IOException e) {
                // the test sees the client fail
            }
        }

        /** Copies until end of stream, at most {@code rate} bytes a second, then passes the end on. */
        private static void copy(Socket from, Socket to, int rate, AtomicLong count) {
            byte[] buf = new byte[16 * 1024];
            long began = System.nanoTime();
            long total = 0;
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                    out.flush();
                    total += n;
                    if (count != null) {
                        count.addAndGet(n);
                    }
                    long due = began + total * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                to.shutdownOutput();
            } catch (IOException e) {
                closeQuietly(to);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            if (client != null) {
                closeQuietly(client);
            }
            if (upstream != null) {
                closeQuietly(upstream);
            }
        }
    }
}
