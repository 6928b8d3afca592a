package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.ListenerConfig;
import dev.berth.core.testing.BerthServerExtension;
import dev.berth.core.tls.TlsMode;
import io.netty.handler.codec.http3.Http3ErrorCode;
import io.netty.handler.codec.http3.Http3GoAwayFrame;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicStreamResetException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A graceful stop of an HTTP/3 listener: GOAWAY, the download in flight finishes, then CONNECTION_CLOSE H3_NO_ERROR;
 * and what the drain deadline says when it cuts one.
 */
class Http3StopTest {
    private static final int SIZE = 4 * 1024 * 1024;
    private static final int CHUNK = 64 * 1024;
    private final AtomicLong produced = new AtomicLong();

    @Test
    void aStopSendsGoAwayFinishesTheDownloadInFlightAndClosesCleanly() throws Exception {
        BerthServerExtension server = BerthServerExtension.newBuilder()
                .module(HttpModule.builder()
                        .get("/hello", r -> HttpResponse.text("hello"))
                        .blocking("GET", "/slow", r -> HttpResponse.stream(new Slow(), "application/octet-stream"))
                        .build())
                .listener(ListenerConfig.tcp("https").protocol(HttpModule.NAME).tlsMode(TlsMode.IMPLICIT).build())
                .listener(ListenerConfig.udp("h3").protocol(HttpModule.NAME).build())
                .build();
        server.start();
        CompletableFuture<Boolean> stopped = null;
        try (Http3Client c = new Http3Client(server.port("h3"), server.certificates().trustManagerFactory(), true)) {
            byte[] served = c.rawGet().get(10, TimeUnit.SECONDS);
            assertTrue(served.length > 0 && served[0] == 0x01, "before the stop a raw request gets a HEADERS frame back");
            CompletableFuture<Http3Client.Answer> download = c.send("GET", "/slow", null, null, -1, true);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (produced.get() < 4 * CHUNK && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertTrue(produced.get() >= 4 * CHUNK && produced.get() < SIZE, "the download is in flight");

            stopped = CompletableFuture.supplyAsync(() -> server.server().stop(Duration.ofSeconds(30)));
            Http3GoAwayFrame goAway = c.goAway().get(10, TimeUnit.SECONDS);
            assertEquals(8, goAway.id(), "GOAWAY lets streams 0 and 4 finish and refuses stream 8 on");
            assertTrue(refused(c), "a request after GOAWAY is not served");
            assertEquals(Http3ErrorCode.H3_REQUEST_REJECTED.code(), resetCode(c.rawGet()),
                    "a request sent past Netty's client after GOAWAY is reset with H3_REQUEST_REJECTED");

            Http3Client.Answer a = download.get(30, TimeUnit.SECONDS);
            assertEquals(200, a.status());
            assertArrayEquals(expected(), a.body(), "the download finishes byte for byte");
            QuicConnectionCloseEvent closed = c.closed().get(10, TimeUnit.SECONDS);
            assertTrue(closed.isApplicationClose(), closed.toString());
            assertEquals(Http3ErrorCode.H3_NO_ERROR.code(), closed.error(), closed.toString());
            assertTrue(stopped.get(30, TimeUnit.SECONDS), "every connection finished within the drain deadline");
        } finally {
            if (stopped == null) {
                server.stop();
            }
        }
    }

    @Test
    void theDrainDeadlineCutsAClientThatStopsReadingAndSaysWhatWasInFlight() throws Exception {
        BerthServerExtension server = BerthServerExtension.newBuilder()
                .module(HttpModule.builder()
                        .blocking("GET", "/slow", r -> HttpResponse.stream(new Slow(), "application/octet-stream"))
                        .build())
                .listener(ListenerConfig.tcp("https").protocol(HttpModule.NAME).tlsMode(TlsMode.IMPLICIT).build())
                .listener(ListenerConfig.udp("h3").protocol(HttpModule.NAME).build())
                .build();
        server.start();
        try (LogCapture log = new LogCapture("dev.berth.core.Server");
             Http3Client c = new Http3Client(server.port("h3"), server.certificates().trustManagerFactory(), true)) {
            c.getWithoutReading("/slow");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (produced.get() < 4 * CHUNK && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertFalse(server.server().stop(Duration.ofSeconds(1)), "the deadline cuts the connection");
            String cut = log.await("stopping: cut h3");
            assertTrue(cut.contains("GET /slow") && cut.contains("GOAWAY sent, 1 request stream(s) in flight"), cut);
            assertTrue(c.closed().get(10, TimeUnit.SECONDS) != null, "the client sees the connection closed");
        }
    }

    /** The application error code with which the server reset a raw request's stream; -1 when it was not reset. */
    private static long resetCode(CompletableFuture<byte[]> raw) throws Exception {
        try {
            raw.get(10, TimeUnit.SECONDS);
            return -1;
        } catch (ExecutionException e) {
            return e.getCause() instanceof QuicStreamResetException
                    ? ((QuicStreamResetException) e.getCause()).applicationProtocolCode() : -1;
        }
    }

    /** Whether a request sent now fails (the client's own refusal after GOAWAY, or the server's reset) unanswered. */
    private static boolean refused(Http3Client c) throws Exception {
        try {
            Http3Client.Answer late = c.send("GET", "/hello", null, null, -1, true).get(10, TimeUnit.SECONDS);
            return late == null;
        } catch (ExecutionException | TimeoutException e) {
            return true;
        }
    }

    private static byte[] expected() {
        byte[] b = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            b[i] = (byte) (i * 31 + (i >>> 16));
        }
        return b;
    }

    /** {@link #SIZE} bytes of a known pattern, one chunk every 20 ms: about 1.3 s, long enough to stop in the middle. */
    private final class Slow extends InputStream {
        private int at;

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at == SIZE) {
                return -1;
            }
            if (at % CHUNK == 0) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int n = Math.min(len, Math.min(SIZE - at, CHUNK - at % CHUNK));
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) ((at + i) * 31 + ((at + i) >>> 16));
            }
            at += n;
            produced.addAndGet(n);
            return n;
        }
    }
}
