package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each limit answers with its own status over a raw socket, and pipelined answers keep request order. */
class HttpLimitsTest {
    private static final HttpLimits LIMITS = HttpLimits.DEFAULTS.withMaxRequestLine(256).withMaxHeaderSize(512)
            .withMaxBodySize(1000).withHeaderTimeout(Duration.ofMillis(700)).withKeepAliveTimeout(Duration.ofSeconds(1))
            .withBodyTimeout(Duration.ofMillis(700));
    private static final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(HttpModule.builder().redirectToHttps(false).limits(LIMITS)
                .get("/fast/{n}", r -> HttpResponse.text("fast " + r.pathParameter("n")))
                .async("GET", "/slow/{n}", r -> {
                    CompletableFuture<HttpResponse> f = new CompletableFuture<>();
                    timer.schedule(() -> f.complete(HttpResponse.text("slow " + r.pathParameter("n"))), 300, TimeUnit.MILLISECONDS);
                    return f;
                })
                .post("/upload", r -> HttpResponse.text("got " + r.body().length)));
    }

    @AfterAll
    static void stop() {
        server.close();
        timer.shutdownNow();
    }

    @Test
    void aRequestLineOverTheLimitGets414() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("GET /" + "a".repeat(300) + " HTTP/1.1\r\nHost: x\r\n\r\n").readUntilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 414 "), answer);
        }
    }

    @Test
    void aHeaderSectionOverTheLimitGets431() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("GET /fast/1 HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(600) + "\r\n\r\n").readUntilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 431 "), answer);
        }
    }

    @Test
    void aDeclaredBodyOverTheLimitGets413BeforeTheBodyIsSent() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n").readUntilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
        }
    }

    @Test
    void aChunkedBodyThatGrowsOverTheLimitGets413() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            c.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            c.send("3e8\r\n" + "x".repeat(1000) + "\r\n");
            String answer = c.send("1\r\ny\r\n").readUntilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
        }
    }

    @Test
    void aBodyAtTheLimitIsAccepted() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + "z".repeat(1000))
                    .readResponse();
            assertTrue(answer.endsWith("got 1000"), answer);
        }
    }

    @Test
    void aHeaderSectionNotCompleteWithinTheTimeoutGets408AndAClose() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("GET /fast/1 HTTP/1.1\r\nHost: x\r\n").readUntilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
        }
    }

    @Test
    void aSlowlorisTricklingHeaderBytesStillGets408AtTheHeaderTimeout() throws Exception {
        String head = "GET /fast/1 HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(100) + "\r\n\r\n";
        try (RawClient c = new RawClient(server.httpPort())) {
            c.readTimeout(100);
            StringBuilder answer = new StringBuilder();
            // one byte every 50 ms: the whole head would take over 6 s, far beyond the 700 ms timeout
            for (int i = 0; i < head.length() && answer.length() == 0; i++) {
                try {
                    c.send(head.substring(i, i + 1));
                } catch (java.io.IOException closed) {
                    break;
                }
                Thread.sleep(50);
                if (i % 5 == 4) {
                    answer.append(c.readAvailable());
                }
            }
            c.readTimeout(15_000);
            String all = answer + c.readUntilClosed();
            assertTrue(all.startsWith("HTTP/1.1 408 "), all);
        }
    }

    @Test
    void aBodyThatStopsArrivingGets408AtTheBodyTimeout() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc").readUntilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
            assertTrue(answer.contains("body"), answer);
        }
    }

    @Test
    void anHttp2BodyThatStopsArrivingGets408AtTheBodyTimeout() throws Exception {
        try (RawHttp2 c = RawHttp2.open(server.httpPort())) {
            byte[] post = RawHttp2.concat(new byte[] {(byte) 0x83, (byte) 0x86, 0x04, 0x07}, "/upload".getBytes(),
                    new byte[] {0x01, 0x01, 'x'}, RawHttp2.literal("content-length", "10"));
            c.send(RawHttp2.frame(RawHttp2.HEADERS, RawHttp2.END_HEADERS, 1, post),
                    RawHttp2.frame(RawHttp2.DATA, 0, 1, "abc".getBytes()));
            long start = System.nanoTime();
            List<String> frames = c.read("RST_STREAM", Duration.ofSeconds(15));
            assertEquals(List.of("408"), c.statuses(), frames.toString());
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(600), "not before the timeout");
        }
    }

    @Test
    void aChunkedBodyThatStopsBetweenChunksGets408() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")
                    .readUntilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
        }
    }

    @Test
    void aBodyArrivingSlowerThanTheTimeoutInTotalButSteadilyIsAccepted() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n");
            for (int i = 0; i < 8; i++) {
                Thread.sleep(200); // 1.6 s in all, each gap well under the 700 ms body timeout
                c.send("x");
            }
            assertTrue(c.readResponse().endsWith("got 8"));
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheTimeout() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            assertTrue(c.send("GET /fast/1 HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().endsWith("fast 1"));
            assertEquals("", c.readUntilClosed());
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInRequestOrderEvenWhenAnEarlierOneIsSlower() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            c.send("GET /slow/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /fast/2 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /slow/3 HTTP/1.1\r\nHost: x\r\n\r\nGET /fast/4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String all = c.readUntilClosed();
            int a = all.indexOf("slow 1");
            int b = all.indexOf("fast 2");
            int d = all.indexOf("slow 3");
            int e = all.indexOf("fast 4");
            assertTrue(a >= 0 && a < b && b < d && d < e, all);
            assertEquals(4, all.split("HTTP/1\\.1 200 ", -1).length - 1, all);
        }
    }

    @Test
    void pipelinedRequestsOnAKeptAliveConnectionAreAllAnsweredWithoutWaitingForAClose() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            c.send("GET /fast/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /fast/2 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /slow/3 HTTP/1.1\r\nHost: x\r\n\r\nGET /fast/4 HTTP/1.1\r\nHost: x\r\n\r\n");
            for (String expected : new String[] {"fast 1", "fast 2", "slow 3", "fast 4"}) {
                String answer = c.readResponse();
                assertTrue(answer.startsWith("HTTP/1.1 200 ") && answer.endsWith(expected), answer);
            }
        }
    }

    @Test
    void manyPipelinedRequestsBeyondTheReadAheadLimitAreAllAnsweredInOrder() throws Exception {
        try (TestServer small = TestServer.start(HttpModule.builder().redirectToHttps(false)
                .limits(HttpLimits.DEFAULTS.withMaxPipelined(4))
                .get("/n/{n}", r -> HttpResponse.text("<" + r.pathParameter("n") + ">")));
             RawClient c = new RawClient(small.httpPort())) {
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                requests.append("GET /n/").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            c.send(requests.append("GET /n/end HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").toString());
            String all = c.readUntilClosed();
            int at = 0;
            for (int i = 0; i < 200; i++) {
                int next = all.indexOf("<" + i + ">", at);
                assertTrue(next > at, "answer " + i + " in order");
                at = next;
            }
            assertTrue(all.endsWith("<end>"), all.substring(Math.max(0, all.length() - 200)));
        }
    }

    @Test
    void expect100ContinueGetsAnInterimResponseBeforeTheBodyIsSent() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
            String interim = c.readResponse();
            assertTrue(interim.startsWith("HTTP/1.1 100 Continue"), interim);
            assertTrue(c.send("abc").readResponse().endsWith("got 3"));
        }
    }

    @Test
    void expect100ContinueWithABodyOverTheLimitGets413WithoutTheInterimResponse() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
                    .readUntilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
            assertFalse(answer.contains("100 Continue"), answer);
        }
    }

    @Test
    void anUnknownExpectationGets417() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: magic\r\n\r\nabc")
                    .readUntilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 417 "), answer);
        }
    }

    @Test
    void optionsStarListsTheMethods() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            assertTrue(answer.toLowerCase().contains("allow: get, head"), answer);
        }
    }

    @Test
    void http10WithoutKeepAliveIsClosedAfterTheResponse() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("GET /fast/1 HTTP/1.0\r\n\r\n").readUntilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 200 ") && answer.endsWith("fast 1"), answer);
        }
    }

    @Test
    void aChunkedRequestBodyIsReassembled() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "a\r\n0123456789\r\n5\r\nabcde\r\n0\r\n\r\n").readResponse();
            assertTrue(answer.endsWith("got 15"), answer);
        }
    }
}
