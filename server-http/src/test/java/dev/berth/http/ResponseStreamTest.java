package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.internal.ThreadExecutorMap;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A handler's {@code HttpResponse.stream} body is read on the blocking pool, so a slow stream never holds an event loop. */
class ResponseStreamTest {
    /** Threads that called read on a response stream and were event-loop threads. */
    private static final List<String> readOnEventLoop = new CopyOnWriteArrayList<>();
    private static TestServer server;

    /** Gives {@code pieces} small pieces with a pause before each, like a slow upstream. */
    private static InputStream slow(int pieces) {
        return new InputStream() {
            private int left = pieces;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (ThreadExecutorMap.currentExecutor() != null) {
                    readOnEventLoop.add(Thread.currentThread().getName());
                }
                if (left == 0) {
                    return -1;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                left--;
                b[off] = 'x';
                return 1;
            }
        };
    }

    @BeforeAll
    static void start() {
        server = TestServer.start(HttpModule.builder().redirectToHttps(false)
                .get("/slow", r -> HttpResponse.stream(slow(20), "text/plain")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aSlowStreamIsReadOffTheEventLoopAndArrivesWholeOverHttp11() throws Exception {
        readOnEventLoop.clear();
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            assertTrue(answer.toLowerCase().contains("transfer-encoding: chunked"), answer);
            assertEquals(20, answer.substring(answer.indexOf("\r\n\r\n")).chars().filter(ch -> ch == 'x').count(), answer);
        }
        assertEquals(List.of(), readOnEventLoop, "reads made on an event loop");
    }

    @Test
    void aSlowStreamIsReadOffTheEventLoopOverHttp10AndHttp2() throws Exception {
        readOnEventLoop.clear();
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("GET /slow HTTP/1.0\r\n\r\n").readUntilClosed();
            assertTrue(answer.endsWith("\r\n\r\n" + "x".repeat(20)), answer);
        }
        assertEquals("x".repeat(20), Curl.run("-k", "--http2", server.https("/slow")));
        assertEquals(List.of(), readOnEventLoop, "reads made on an event loop");
    }

    @Test
    void theKeepAliveTimeoutDoesNotCloseAConnectionWhileAStreamedAnswerIsStillBeingWritten() throws Exception {
        // 60 pieces 20 ms apart: the body takes over a second, twice the keep-alive timeout
        TestServer shortKeepAlive = TestServer.start(HttpModule.builder().redirectToHttps(false)
                .limits(HttpLimits.DEFAULTS.withKeepAliveTimeout(java.time.Duration.ofMillis(500)))
                .get("/slow", r -> HttpResponse.stream(slow(60), "text/plain")));
        try (RawClient c = new RawClient(shortKeepAlive.httpPort())) {
            c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            StringBuilder answer = new StringBuilder();
            for (int i = 0; i < 200 && !answer.toString().endsWith("\r\n0\r\n\r\n"); i++) {
                String more = c.readAvailable();
                if (more.isEmpty()) {
                    break; // closed, or nothing for the read timeout
                }
                answer.append(more);
            }
            assertTrue(answer.toString().endsWith("\r\n0\r\n\r\n"), "the chunked body ended: " + answer);
            assertEquals(60, answer.substring(answer.indexOf("\r\n\r\n")).chars().filter(ch -> ch == 'x').count(),
                    answer.toString());
        } finally {
            shortKeepAlive.close();
        }
    }
}
