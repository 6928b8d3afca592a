package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTP/1.1 parsing attacks beyond framing ambiguity ({@link RequestSmugglingTest}): odd bytes in header
 * names, chunk-size and extension tricks, forbidden trailers, request-line variants, and requests
 * pipelined behind a refused one, which must never be served.
 */
class HostileRequestTest {
    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(HttpModule.builder().redirectToHttps(false)
                .get("/", r -> HttpResponse.text("root " + r.path()))
                .get("/smuggled", r -> HttpResponse.text("SMUGGLED"))
                .get("/abs", r -> HttpResponse.text("abs " + r.path() + "?" + r.rawQuery()))
                .post("/", r -> HttpResponse.text("got " + r.body().length)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> malformed() {
        String chunked = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        return Stream.of(
                Arguments.of("a tab before the colon", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length\t: 3\r\n\r\nabc"),
                Arguments.of("a NUL in a header name", "GET / HTTP/1.1\r\nHost: x\r\nX-\0A: a\r\n\r\n"),
                Arguments.of("a space inside a header name", "GET / HTTP/1.1\r\nHost: x\r\nX A: a\r\n\r\n"),
                Arguments.of("a non-token character in a header name", "GET / HTTP/1.1\r\nHost: x\r\nX@A: a\r\n\r\n"),
                Arguments.of("an empty header name", "GET / HTTP/1.1\r\nHost: x\r\n: a\r\n\r\n"),
                Arguments.of("whitespace before the first header line", "GET / HTTP/1.1\r\n Host: x\r\n\r\n"),
                Arguments.of("Transfer-Encoding with a tab before the colon",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding\t: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("Content-Length with a vertical tab", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \u000b3\r\n\r\nabc"),
                Arguments.of("Content-Length with different list values",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 40\r\n\r\nabc" + SMUGGLED),
                Arguments.of("a chunk size with a leading plus", chunked + "+2\r\nab\r\n0\r\n\r\n"),
                Arguments.of("a chunk size with a leading space", chunked + " 2\r\nab\r\n0\r\n\r\n"),
                Arguments.of("a chunk size of 0x0", chunked + "0x0\r\n\r\n" + SMUGGLED),
                Arguments.of("a very long chunk extension", chunked + "2;" + "x".repeat(20_000) + "\r\nab\r\n0\r\n\r\n"),
                Arguments.of("a Content-Length trailer", chunked + "0\r\nContent-Length: 30\r\n\r\n" + SMUGGLED),
                Arguments.of("a Transfer-Encoding trailer", chunked + "0\r\nTransfer-Encoding: chunked\r\n\r\n" + SMUGGLED),
                Arguments.of("a Host trailer", chunked + "0\r\nHost: evil\r\n\r\n"),
                Arguments.of("a lowercase protocol name", "GET / http/1.1\r\nHost: x\r\n\r\n"),
                Arguments.of("a malformed method", "G(T / HTTP/1.1\r\nHost: x\r\n\r\n"),
                Arguments.of("a request line with a trailing space", "GET / HTTP/1.1 \r\nHost: x\r\n\r\n"),
                Arguments.of("a tab between method and target", "GET\t/ HTTP/1.1\r\nHost: x\r\n\r\n"),
                Arguments.of("a request line without a version", "GET /\r\nHost: x\r\n\r\n"),
                Arguments.of("a fragment in the target", "GET /#frag HTTP/1.1\r\nHost: x\r\n\r\n"),
                Arguments.of("a Host with userinfo", "GET / HTTP/1.1\r\nHost: user@x\r\n\r\n"),
                Arguments.of("a Host with a path", "GET / HTTP/1.1\r\nHost: x/y\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0} is refused with 400 and nothing after it is served")
    @MethodSource("malformed")
    void malformedRequestsAreRefusedWith400AndNothingPipelinedBehindThemIsServed(String name, String request)
            throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send(request + SMUGGLED).readUntilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 400 "), name + ": " + answer);
            assertEquals(1, answer.split("HTTP/1\\.1 ", -1).length - 1, "exactly one response: " + answer);
            assertFalse(answer.contains("SMUGGLED"), answer);
        }
    }

    @Test
    void anUnknownButWellFormedMethodGets501() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("BREW / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            assertTrue(answer.startsWith("HTTP/1.1 501 "), answer);
        }
    }

    @Test
    void anUpgradeToH2cIsIgnoredAndAnsweredOverHttp11() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                    + "HTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n\r\n").readResponse();
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            assertTrue(answer.endsWith("root /"), answer);
            assertTrue(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().endsWith("root /"), "still HTTP/1.1");
        }
        assertEquals("root /", Curl.run("--http2", server.http("/")));
    }

    @Test
    void expect100ContinueOverHttp2IsAnsweredAndTheBodyRead() throws Exception {
        assertEquals("got 5", Curl.run("-k", "--http2", "-H", "Expect: 100-continue", "--data-binary", "hello",
                server.https("/")));
    }

    @Test
    void anEmptyHostIsAcceptedAsRfc9112Allows() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            assertTrue(c.send("GET / HTTP/1.1\r\nHost: \r\n\r\n").readResponse().endsWith("root /"));
        }
    }

    @Test
    void http2VersionOnTheHttp1ParserGets505() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("GET / HTTP/2.0\r\nHost: x\r\n\r\n").readUntilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 505 "), answer);
        }
    }

    @Test
    void anAbsoluteFormTargetIsServedByItsPath() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("GET http://x/abs?q=1 HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            assertTrue(answer.endsWith("abs /abs?q=1"), answer);
        }
    }

    @Test
    void http10WithoutKeepAliveIsClosedAfterOneResponseAndNeedsNoHost() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("GET / HTTP/1.0\r\n\r\n" + SMUGGLED).readUntilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            assertFalse(answer.contains("SMUGGLED"), answer);
        }
    }

    @Test
    void http10WithKeepAliveStaysOpenAndSaysSo() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String first = c.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").readResponse();
            assertTrue(first.toLowerCase().contains("connection: keep-alive"), first);
            assertTrue(c.send("GET / HTTP/1.0\r\n\r\n").readUntilClosed().startsWith("HTTP/1.1 200 "));
        }
    }

    @Test
    void aGetWithABodyHasItsBodyConsumedNotTakenAsTheNextRequest() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String body = SMUGGLED;
            String answer = c.send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                    + "GET /abs HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            assertTrue(answer.endsWith("root /"), answer);
            String next = c.readResponse();
            assertTrue(next.endsWith("abs /abs?"), "the body was not taken as a request: " + next);
        }
    }
}
