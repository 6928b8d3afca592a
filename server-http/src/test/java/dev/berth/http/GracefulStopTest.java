package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.EOFException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A graceful stop lets requests in flight finish, closes HTTP/1.1 after them, and sends HTTP/2 a GOAWAY. */
class GracefulStopTest {

    @Test
    void aRequestInFlightFinishesWithConnectionCloseAndTheStopIsClean() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TestServer server = TestServer.start(HttpModule.builder().redirectToHttps(false)
                .blocking("GET", "/slow", r -> {
                    entered.countDown();
                    release.await(20, TimeUnit.SECONDS);
                    return HttpResponse.text("finished");
                }));
        try (RawClient c = new RawClient(server.httpPort())) {
            c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> server.server.stop(Duration.ofSeconds(15)));
            Thread.sleep(300);
            assertFalse(stopped.isDone(), "the stop waits for the request in flight");
            release.countDown();
            String answer = c.readUntilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 200 ") && answer.endsWith("finished"), answer);
            assertTrue(answer.toLowerCase().contains("connection: close"), answer);
            assertTrue(stopped.get(20, TimeUnit.SECONDS), "every connection finished before the deadline");
        } finally {
            release.countDown();
            server.close();
        }
    }

    @Test
    void anHttp2StreamInFlightFinishesDuringTheStop() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TestServer server = TestServer.start(HttpModule.builder()
                .blocking("GET", "/slow", r -> {
                    entered.countDown();
                    release.await(20, TimeUnit.SECONDS);
                    return HttpResponse.text("finished over h2");
                }));
        try {
            // curl (nghttp2) finishes streams below a GOAWAY's last stream id; JDK 17's client drops them all
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return Curl.run("-k", "--http2", "-w", " %{http_version}", server.https("/slow"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(entered.await(20, TimeUnit.SECONDS));
            CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> server.server.stop(Duration.ofSeconds(15)));
            Thread.sleep(300);
            assertFalse(stopped.isDone(), "the stop waits for the stream in flight");
            release.countDown();
            assertEquals("finished over h2 2", answer.get(30, TimeUnit.SECONDS));
            assertTrue(stopped.get(20, TimeUnit.SECONDS), "the connection closed before the deadline");
        } finally {
            release.countDown();
            server.close();
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAtOnceOnStop() throws Exception {
        TestServer server = TestServer.start(HttpModule.builder().redirectToHttps(false).get("/", r -> HttpResponse.text("ok")));
        try (RawClient c = new RawClient(server.httpPort())) {
            assertTrue(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().endsWith("ok"));
            assertTrue(server.server.stop(Duration.ofSeconds(15)));
            assertEquals("", c.readUntilClosed());
        } finally {
            server.close();
        }
    }

    @Test
    void connectionsThatHaveSentNothingYetAreClosedAtOnceOnStop() throws Exception {
        TestServer server = TestServer.start(HttpModule.builder().redirectToHttps(false).get("/", r -> HttpResponse.text("ok")));
        try (RawClient plain = new RawClient(server.httpPort()); RawClient tls = new RawClient(server.httpsPort())) {
            Thread.sleep(200); // both accepted: one waits for its first bytes, the other for a ClientHello
            assertTrue(server.server.stop(Duration.ofSeconds(15)), "nothing held the stop up to its deadline");
            assertEquals("", plain.readUntilClosed());
            assertEquals("", tls.readUntilClosed());
        } finally {
            server.close();
        }
    }

    @Test
    void anHttp2ConnectionGetsGoAwayOnStop() throws Exception {
        TestServer server = TestServer.start(HttpModule.builder().redirectToHttps(false).get("/", r -> HttpResponse.text("ok")));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.httpPort()), 5000);
            s.setSoTimeout(15_000);
            s.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
            s.getOutputStream().flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertEquals(4, readFrameType(in), "the server's SETTINGS come first");
            CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> server.server.stop(Duration.ofSeconds(15)));
            boolean goAway = false;
            try {
                for (int i = 0; i < 10 && !goAway; i++) {
                    goAway = readFrameType(in) == 7;
                }
            } catch (EOFException e) {
                // closed before a GOAWAY arrived: the assertion below says so
            }
            assertTrue(goAway, "a GOAWAY frame arrived");
            assertTrue(stopped.get(20, TimeUnit.SECONDS));
        } finally {
            server.close();
        }
    }

    /** Reads one HTTP/2 frame and returns its type. */
    private static int readFrameType(DataInputStream in) throws Exception {
        int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        in.readUnsignedByte();
        in.readInt();
        in.readNBytes(length);
        return type;
    }
}
