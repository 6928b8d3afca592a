package dev.berth.http;

import static dev.berth.http.RawHttp2.DATA;
import static dev.berth.http.RawHttp2.END_HEADERS;
import static dev.berth.http.RawHttp2.END_STREAM;
import static dev.berth.http.RawHttp2.HEADERS;
import static dev.berth.http.RawHttp2.PRIORITY;
import static dev.berth.http.RawHttp2.concat;
import static dev.berth.http.RawHttp2.frame;
import static dev.berth.http.RawHttp2.literal;
import static dev.berth.http.RawHttp2.request;
import static dev.berth.http.RawHttp2.windowUpdate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/2 errors RFC 9113 requires for the cases h2spec found answered wrongly or not at all: each
 * malformed request or misplaced frame must end in RST_STREAM or GOAWAY with the error code the RFC names,
 * and a malformed request must never reach the handler (an HTTP/2-to-HTTP/1 proxy would forward it).
 */
class Http2ConformanceTest {
    private static final Duration QUIET = Duration.ofSeconds(3);
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

    private static List<String> exchange(String until, byte[]... frames) throws IOException {
        try (RawHttp2 c = RawHttp2.open(server.httpPort())) {
            c.send(frames);
            return c.read(until, QUIET);
        }
    }

    private static void assertMalformedRequestIsResetUnanswered(byte[] block) throws IOException {
        List<String> frames = exchange("RST_STREAM", frame(HEADERS, END_STREAM | END_HEADERS, 1, block));
        assertTrue(frames.contains("RST_STREAM 1 PROTOCOL_ERROR"), frames.toString());
        assertFalse(frames.contains("HEADERS 1"), "the request reached the handler: " + frames);
    }

    @Test
    void theServerOpensAOneMebibyteStreamWindowAndAboutTwiceThatForTheConnection() throws Exception {
        try (RawHttp2 c = RawHttp2.open(server.httpPort())) {
            c.send(frame(HEADERS, END_STREAM | END_HEADERS, 1, GET));
            List<String> frames = c.read("DATA 1", QUIET);
            assertEquals(1024L * 1024, c.settings().get(0x4), "SETTINGS_INITIAL_WINDOW_SIZE; " + frames);
            assertEquals(65_535 + 2L * (1024 * 1024 - 65_535), 65_535 + c.connectionWindowIncrements(),
                    "the connection window");
        }
    }

    @Test
    void aRequestWithoutMethodIsResetWithProtocolError() throws Exception {
        assertMalformedRequestIsResetUnanswered(request(null, true, true));
    }

    @Test
    void aRequestWithoutSchemeIsResetWithProtocolError() throws Exception {
        assertMalformedRequestIsResetUnanswered(request("GET", false, true));
    }

    @Test
    void aRequestWithoutPathIsResetWithProtocolError() throws Exception {
        assertMalformedRequestIsResetUnanswered(request("GET", true, false));
    }

    @Test
    void aContentLengthLargerThanTheOneDataFrameIsResetWithProtocolError() throws Exception {
        List<String> frames = exchange("RST_STREAM",
                frame(HEADERS, END_HEADERS, 1, concat(POST, literal("content-length", "10"))),
                frame(DATA, END_STREAM, 1, "abc".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(frames.contains("RST_STREAM 1 PROTOCOL_ERROR"), frames.toString());
        assertFalse(frames.contains("HEADERS 1"), "the handler saw a short body: " + frames);
    }

    @Test
    void aContentLengthUnlikeTheSumOfSeveralDataFramesIsResetWithProtocolError() throws Exception {
        List<String> frames = exchange("RST_STREAM",
                frame(HEADERS, END_HEADERS, 1, concat(POST, literal("content-length", "10"))),
                frame(DATA, 0, 1, "abc".getBytes(StandardCharsets.US_ASCII)),
                frame(DATA, END_STREAM, 1, "def".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(frames.contains("RST_STREAM 1 PROTOCOL_ERROR"), frames.toString());
        assertFalse(frames.contains("HEADERS 1"), "the handler saw a short body: " + frames);
    }

    @Test
    void dataOnAStreamHalfClosedByTheClientIsResetWithStreamClosed() throws Exception {
        List<String> frames = exchange("RST_STREAM", frame(HEADERS, END_STREAM | END_HEADERS, 1, GET),
                frame(DATA, END_STREAM, 1, "x".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(frames.contains("RST_STREAM 1 STREAM_CLOSED"), frames.toString());
    }

    @Test
    void headersOnAStreamHalfClosedByTheClientAreResetWithStreamClosed() throws Exception {
        List<String> frames = exchange("RST_STREAM", frame(HEADERS, END_STREAM | END_HEADERS, 1, GET),
                frame(HEADERS, END_STREAM | END_HEADERS, 1, literal("x", "y")));
        assertTrue(frames.contains("RST_STREAM 1 STREAM_CLOSED"), frames.toString());
    }

    @Test
    void headersOnAStreamThatEndedNormallyAreAConnectionErrorStreamClosed() throws Exception {
        try (RawHttp2 c = RawHttp2.open(server.httpPort())) {
            c.send(frame(HEADERS, END_STREAM | END_HEADERS, 1, GET));
            List<String> answer = c.read("DATA 1", QUIET);
            assertTrue(answer.contains("DATA 1"), answer.toString());
            c.send(frame(HEADERS, END_STREAM | END_HEADERS, 1, GET));
            List<String> frames = c.read("GOAWAY", QUIET);
            assertEquals("GOAWAY STREAM_CLOSED", frames.get(frames.size() - 1), frames.toString());
        }
    }

    @Test
    void aStreamIdentifierBelowOneAlreadyOpenedIsAConnectionProtocolError() throws Exception {
        List<String> frames = exchange("GOAWAY", frame(HEADERS, END_STREAM | END_HEADERS, 5, GET),
                frame(HEADERS, END_STREAM | END_HEADERS, 3, GET));
        assertEquals("GOAWAY PROTOCOL_ERROR", frames.get(frames.size() - 1), frames.toString());
        assertFalse(frames.contains("HEADERS 3"), frames.toString());
    }

    @Test
    void aSkippedIdentifierBeyondTheGapsRememberedIsStillAConnectionError() throws Exception {
        // streams 1, 5, 9, ... skip 3, 7, 11, ...: one gap each, more than the guard keeps
        int streams = 100;
        byte[][] frames = new byte[streams + 1][];
        for (int i = 0; i < streams; i++) {
            frames[i] = frame(HEADERS, END_STREAM | END_HEADERS, 1 + 4 * i, GET);
        }
        frames[streams] = frame(HEADERS, END_STREAM | END_HEADERS, 1 + 4 * (streams - 1) - 2, GET);
        List<String> late = exchange("GOAWAY", frames);
        assertEquals("GOAWAY STREAM_CLOSED", late.get(late.size() - 1), "a gap past the 64 remembered");
        frames[streams] = frame(HEADERS, END_STREAM | END_HEADERS, 3, GET);
        List<String> early = exchange("GOAWAY", frames);
        assertEquals("GOAWAY PROTOCOL_ERROR", early.get(early.size() - 1), "the first gap, remembered");
    }

    @Test
    void aPriorityFrameOfTheWrongLengthIsResetWithFrameSizeError() throws Exception {
        List<String> frames = exchange("RST_STREAM", frame(HEADERS, END_HEADERS, 1, POST),
                frame(PRIORITY, 0, 1, new byte[] {0, 0, 0, 0}));
        assertTrue(frames.contains("RST_STREAM 1 FRAME_SIZE_ERROR"), frames.toString());
    }

    @Test
    void aZeroWindowUpdateOnAStreamIsResetWithProtocolError() throws Exception {
        List<String> frames = exchange("RST_STREAM", frame(HEADERS, END_HEADERS, 1, POST), windowUpdate(1, 0));
        assertTrue(frames.contains("RST_STREAM 1 PROTOCOL_ERROR"), frames.toString());
    }

    @Test
    void aConnectionWindowAboveTheMaximumIsAConnectionFlowControlError() throws Exception {
        List<String> frames = exchange("GOAWAY", windowUpdate(0, Integer.MAX_VALUE), windowUpdate(0, Integer.MAX_VALUE));
        assertEquals("GOAWAY FLOW_CONTROL_ERROR", frames.get(frames.size() - 1), frames.toString());
    }

    @Test
    void aStreamWindowAboveTheMaximumIsResetWithFlowControlError() throws Exception {
        List<String> frames = exchange("RST_STREAM", frame(HEADERS, END_HEADERS, 1, POST),
                windowUpdate(1, Integer.MAX_VALUE), windowUpdate(1, Integer.MAX_VALUE));
        assertTrue(frames.contains("RST_STREAM 1 FLOW_CONTROL_ERROR"), frames.toString());
    }

    @Test
    void aSecondHeadersFrameThatDoesNotEndTheStreamIsResetWithProtocolError() throws Exception {
        List<String> frames = exchange("RST_STREAM", frame(HEADERS, END_HEADERS, 1, POST),
                frame(DATA, 0, 1, "x".getBytes(StandardCharsets.US_ASCII)),
                frame(HEADERS, END_HEADERS, 1, literal("x-trailer", "y")));
        assertTrue(frames.contains("RST_STREAM 1 PROTOCOL_ERROR"), frames.toString());
    }

    @Test
    void trailersWithAPseudoHeaderAreResetWithProtocolError() throws Exception {
        List<String> frames = exchange("RST_STREAM", frame(HEADERS, END_HEADERS, 1, POST),
                frame(DATA, 0, 1, "x".getBytes(StandardCharsets.US_ASCII)),
                frame(HEADERS, END_STREAM | END_HEADERS, 1, new byte[] {(byte) 0x82}));
        assertTrue(frames.contains("RST_STREAM 1 PROTOCOL_ERROR"), frames.toString());
    }
}
