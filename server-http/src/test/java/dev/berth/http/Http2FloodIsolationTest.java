package dev.berth.http;

import static dev.berth.http.RawHttp2.DATA;
import static dev.berth.http.RawHttp2.END_HEADERS;
import static dev.berth.http.RawHttp2.END_STREAM;
import static dev.berth.http.RawHttp2.HEADERS;
import static dev.berth.http.RawHttp2.PING;
import static dev.berth.http.RawHttp2.RST_STREAM;
import static dev.berth.http.RawHttp2.SETTINGS;
import static dev.berth.http.RawHttp2.frame;
import static dev.berth.http.RawHttp2.request;
import static dev.berth.http.RawHttp2.windowUpdate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 floods from a client that never reads (SETTINGS, PING, WINDOW_UPDATE, empty DATA, rapid reset):
 * each ends the abusive connection with GOAWAY ENHANCE_YOUR_CALM, the code of Netty's guards, while a second
 * connection opened during the flood is answered correctly.
 */
class Http2FloodIsolationTest {
    private static final Duration QUIET = Duration.ofSeconds(20);
    private static final byte[] GET = request("GET", true, true);
    private static final byte[] POST = request("POST", true, true);
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(HttpModule.builder().redirectToHttps(false)
                .get("/", r -> HttpResponse.text("root"))
                .post("/", r -> HttpResponse.text("got " + r.body().length)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * Writes {@code count} frames made by {@code frames} on a connection whose receive buffer is small and
     * never read until the writes end, while another connection asks for {@code /} ten times; returns what
     * the flooding connection got, after asserting that every request on the other one was answered.
     */
    private static List<String> flood(int count, IntFunction<byte[]> frames) throws Exception {
        try (RawHttp2 abuser = RawHttp2.open(server.httpPort(), 4096)) {
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                ByteArrayOutputStream burst = new ByteArrayOutputStream();
                try {
                    for (int i = 0; i < count; i++) {
                        burst.writeBytes(frames.apply(i));
                        if (burst.size() > 64 * 1024) {
                            abuser.send(burst.toByteArray());
                            burst.reset();
                        }
                    }
                    abuser.send(burst.toByteArray());
                } catch (IOException closedByTheServer) {
                    // the guard closed the connection mid-flood
                }
            });
            for (int i = 0; i < 10; i++) {
                try (RawHttp2 other = RawHttp2.open(server.httpPort())) {
                    other.send(frame(HEADERS, END_STREAM | END_HEADERS, 1, GET));
                    List<String> answer = other.read("DATA 1", Duration.ofSeconds(10)).stream()
                            .filter(f -> !f.equals("WINDOW_UPDATE 0")).toList();
                    assertEquals(List.of("HEADERS 1", "DATA 1"), answer, "request " + i + " during the flood");
                }
            }
            writing.get(60, TimeUnit.SECONDS);
            return abuser.read(null, QUIET);
        }
    }

    private static void assertEnhanceYourCalm(List<String> frames) {
        String tail = frames.subList(Math.max(0, frames.size() - 3), frames.size()).toString();
        assertTrue(frames.contains("GOAWAY ENHANCE_YOUR_CALM"), frames.size() + " frames, ending " + tail);
        assertEquals("closed", frames.get(frames.size() - 1), tail);
    }

    @Test
    void aSettingsFloodFromAClientThatDoesNotReadIsCalmedWhileOthersAreServed() throws Exception {
        assertEnhanceYourCalm(flood(200_000, i -> frame(SETTINGS, 0, 0, new byte[0])));
    }

    @Test
    void aPingFloodFromAClientThatDoesNotReadIsCalmedWhileOthersAreServed() throws Exception {
        assertEnhanceYourCalm(flood(200_000, i -> frame(PING, 0, 0, new byte[8])));
    }

    @Test
    void aWindowUpdateFloodIsCalmedWhileOthersAreServed() throws Exception {
        assertEnhanceYourCalm(flood(200_000, i -> windowUpdate(0, 1)));
    }

    @Test
    void aFloodOfEmptyDataFramesIsCalmedWhileOthersAreServed() throws Exception {
        assertEnhanceYourCalm(flood(100_000, i -> i == 0 ? frame(HEADERS, END_HEADERS, 1, POST)
                : frame(DATA, 0, 1, new byte[0])));
    }

    @Test
    void rapidResetIsCalmedWhileOthersAreServed() throws Exception {
        assertEnhanceYourCalm(flood(20_000, i -> RawHttp2.concat(frame(HEADERS, END_STREAM | END_HEADERS, 1 + 2 * i, GET),
                frame(RST_STREAM, 0, 1 + 2 * i, new byte[] {0, 0, 0, 8}))));
    }
}
