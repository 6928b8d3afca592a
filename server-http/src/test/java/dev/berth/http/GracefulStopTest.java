package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
            // the server closed its side after the GOAWAY and waits for the client to close its own, as clients do
            assertEquals(-1, in.read(), "nothing follows the GOAWAY but the end of the stream");
            s.close();
            assertTrue(stopped.get(20, TimeUnit.SECONDS));
        } finally {
            server.close();
        }
    }

    @Test
    void aRequestArrivingDuringTheStopIsAnsweredWithConnectionCloseAndNothingAfterItIsRead() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger after = new AtomicInteger();
        TestServer server = TestServer.start(HttpModule.builder().redirectToHttps(false)
                .blocking("GET", "/slow", r -> {
                    entered.countDown();
                    release.await(20, TimeUnit.SECONDS);
                    return HttpResponse.text("slow");
                })
                .get("/next", r -> HttpResponse.text("next"))
                .get("/after", r -> HttpResponse.text("after " + after.incrementAndGet())));
        try (RawClient c = new RawClient(server.httpPort())) {
            c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> server.server.stop(Duration.ofSeconds(15)));
            awaitDrainBegun(server.httpPort());
            // pipelined during the stop: the first is the last this connection answers, the second is never read
            c.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n");
            release.countDown();
            String first = c.readResponse();
            assertTrue(first.startsWith("HTTP/1.1 200 ") && first.endsWith("slow"), first);
            assertFalse(first.toLowerCase().contains("connection: close"), "the answer before the last keeps the connection: " + first);
            String last = c.readResponse();
            assertTrue(last.startsWith("HTTP/1.1 200 ") && last.endsWith("next"), last);
            assertTrue(last.toLowerCase().contains("connection: close"), last);
            assertEquals("", c.readUntilClosed(), "nothing answered after the Connection: close");
            assertEquals(0, after.get(), "the request after the last one was not handled");
            assertTrue(stopped.get(20, TimeUnit.SECONDS));
        } finally {
            release.countDown();
            server.close();
        }
    }

    @Test
    void aStreamedAnswerBeingWrittenWhenTheStopBeginsIsWrittenToItsEnd() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TestServer server = TestServer.start(HttpModule.builder().redirectToHttps(false)
                .get("/stream", r -> HttpResponse.stream(new GatedStream("first part|", release, "second part"),
                        "text/plain")));
        try (RawClient c = new RawClient(server.httpPort())) {
            c.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
            StringBuilder seen = new StringBuilder();
            for (int i = 0; i < 50 && seen.indexOf("first part|") < 0; i++) {
                seen.append(c.readAvailable());
            }
            assertTrue(seen.indexOf("first part|") >= 0, seen.toString());
            CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> server.server.stop(Duration.ofSeconds(15)));
            awaitDrainBegun(server.httpPort());
            assertFalse(stopped.isDone(), "the stop waits for the body being written");
            release.countDown();
            String rest = seen + c.readUntilClosed();
            assertTrue(rest.contains("second part") && rest.endsWith("\r\n0\r\n\r\n"), "the chunked body ends properly: " + rest);
            assertTrue(stopped.get(20, TimeUnit.SECONDS));
        } finally {
            release.countDown();
            server.close();
        }
    }

    @Test
    void anHttp2StopSendsGoAwayWithTheLastStreamFinishesThatStreamAndIgnoresANewOne() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger late = new AtomicInteger();
        TestServer server = TestServer.start(HttpModule.builder().redirectToHttps(false)
                .blocking("GET", "/slow", r -> {
                    entered.countDown();
                    release.await(20, TimeUnit.SECONDS);
                    return HttpResponse.text("finished over h2c");
                })
                .get("/late", r -> HttpResponse.text("late " + late.incrementAndGet())));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.httpPort()), 5000);
            s.setSoTimeout(15_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            s.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(frame(4, 0, 0, new byte[0]));
            s.getOutputStream().write(frame(1, 0x5, 1, get("/slow"))); // END_STREAM | END_HEADERS
            s.getOutputStream().flush();
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> server.server.stop(Duration.ofSeconds(15)));
            List<Frame> frames = new ArrayList<>();
            Frame goAway = null;
            for (int i = 0; i < 20 && goAway == null; i++) {
                Frame f = Frame.read(in);
                frames.add(f);
                goAway = f.type == 7 ? f : null;
            }
            assertNotEquals(null, goAway, "a GOAWAY arrived: " + frames);
            ByteBuffer payload = ByteBuffer.wrap(goAway.payload);
            assertEquals(1, payload.getInt() & 0x7fffffff, "the GOAWAY names stream 1 as the last one processed");
            assertEquals(0, payload.getInt(), "NO_ERROR");
            s.getOutputStream().write(frame(1, 0x5, 3, get("/late")));
            s.getOutputStream().flush();
            release.countDown();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            boolean ended = false;
            for (int i = 0; i < 100; i++) {
                Frame f = Frame.read(in);
                if (f == null) {
                    break;
                }
                frames.add(f);
                if (f.stream == 1 && f.type == 0) {
                    body.write(f.payload);
                    ended = (f.flags & 1) != 0;
                }
                if (f.stream == 3) {
                    assertTrue(f.type == 3 && ByteBuffer.wrap(f.payload).getInt() == 7,
                            "a stream opened after the GOAWAY is refused (REFUSED_STREAM) or ignored: " + f);
                }
            }
            assertTrue(ended, "stream 1 ended with END_STREAM: " + frames);
            assertEquals("finished over h2c", body.toString(StandardCharsets.UTF_8));
            assertEquals(0, late.get(), "the stream opened after the GOAWAY was not handled");
            s.close();
            assertTrue(stopped.get(20, TimeUnit.SECONDS));
        } finally {
            release.countDown();
            server.close();
        }
    }

    /** Waits until the listener is closed, which the stop does first, then a moment for the drain event to land. */
    private static void awaitDrainBegun(int port) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            } catch (IOException refused) {
                Thread.sleep(300);
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("the listener on " + port + " still accepts 5 s into the stop");
    }

    /** Gives {@code first}, then blocks until {@code release} (at most 20 s), then gives {@code second}. */
    private static final class GatedStream extends InputStream {
        private final CountDownLatch release;
        private final byte[] first;
        private final byte[] second;
        private int pos;

        GatedStream(String first, CountDownLatch release, String second) {
            this.release = release;
            this.first = first.getBytes(StandardCharsets.US_ASCII);
            this.second = second.getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (pos < first.length) {
                int n = Math.min(len, first.length - pos);
                System.arraycopy(first, pos, b, off, n);
                pos += n;
                return n;
            }
            try {
                if (!release.await(20, TimeUnit.SECONDS)) {
                    throw new IOException("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            int at = pos - first.length;
            if (at >= second.length) {
                return -1;
            }
            int n = Math.min(len, second.length - at);
            System.arraycopy(second, at, b, off, n);
            pos += n;
            return n;
        }
    }

    /** A GET's header block for {@code path}: static-table :method GET and :scheme http, literal :path and :authority. */
    private static byte[] get(String path) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x82);
        b.write(0x86);
        b.write(0x04); // literal without indexing, name :path (static index 4)
        b.write(path.length());
        b.writeBytes(path.getBytes(StandardCharsets.US_ASCII));
        b.write(0x01); // literal without indexing, name :authority (static index 1)
        b.write(1);
        b.write('x');
        return b.toByteArray();
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(9 + payload.length);
        b.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
        b.put((byte) type).put((byte) flags).putInt(stream).put(payload);
        return b.array();
    }

    /** One HTTP/2 frame as read from the wire. */
    private record Frame(int type, int flags, int stream, byte[] payload) {
        /** The next frame, or null at the end of the stream. */
        static Frame read(DataInputStream in) throws IOException {
            int first = in.read();
            if (first < 0) {
                return null;
            }
            int length = first << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int stream = in.readInt() & 0x7fffffff;
            return new Frame(type, flags, stream, in.readNBytes(length));
        }

        @Override
        public String toString() {
            return "frame type " + type + " flags " + flags + " stream " + stream + " (" + payload.length + " bytes)";
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
