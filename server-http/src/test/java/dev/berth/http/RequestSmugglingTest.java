package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every ambiguous framing is refused with 400 and a closed connection, checked byte for byte over a socket. */
class RequestSmugglingTest {
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

    static Stream<Arguments> ambiguousRequests() {
        String smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
        return Stream.of(
                Arguments.of("both Content-Length and Transfer-Encoding",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled),
                Arguments.of("Transfer-Encoding before Content-Length",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n" + smuggled),
                Arguments.of("duplicate Content-Length with equal values",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc"),
                Arguments.of("duplicate Content-Length with different values",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 40\r\n\r\nabc" + smuggled),
                Arguments.of("Content-Length as a list", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc"),
                Arguments.of("Content-Length with a sign", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc"),
                Arguments.of("negative Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"),
                Arguments.of("Content-Length in hex", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x3\r\n\r\nabc"),
                Arguments.of("empty Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \r\n\r\n"),
                Arguments.of("overflowing Content-Length",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
                Arguments.of("Transfer-Encoding whose last coding is not chunked",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" + smuggled),
                Arguments.of("Transfer-Encoding gzip alone", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"),
                Arguments.of("Transfer-Encoding with an unknown token",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("chunked applied twice",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("Transfer-Encoding in an HTTP/1.0 request",
                        "POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("obs-fold continuation line", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n"),
                Arguments.of("obs-fold with a tab", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n\tb\r\n\r\n"),
                Arguments.of("bare LF ending a header line", "GET / HTTP/1.1\r\nHost: x\nX-A: a\r\n\r\n"),
                Arguments.of("bare LF ending the request line", "GET / HTTP/1.1\nHost: x\r\n\r\n"),
                Arguments.of("bare CR inside a header value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n"),
                Arguments.of("bare LF ending the header section", "GET / HTTP/1.1\r\nHost: x\r\n\n"),
                Arguments.of("NUL in a header value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n"),
                Arguments.of("space before the colon", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length : 3\r\n\r\nabc"),
                Arguments.of("missing Host in HTTP/1.1", "GET / HTTP/1.1\r\nX-A: a\r\n\r\n"),
                Arguments.of("two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
                Arguments.of("chunk size that is not hex",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n"),
                Arguments.of("negative chunk size",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-2\r\nab\r\n0\r\n\r\n"),
                Arguments.of("chunk size with 0x prefix",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0x2\r\nab\r\n0\r\n\r\n"),
                Arguments.of("chunk size followed by junk",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2 x\r\nab\r\n0\r\n\r\n"),
                Arguments.of("overflowing chunk size",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff1\r\nab\r\n0\r\n\r\n"),
                Arguments.of("empty chunk size line",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\r\nab\r\n0\r\n\r\n"),
                Arguments.of("chunk size line ending in a bare LF",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\nab\r\n0\r\n\r\n"),
                Arguments.of("chunk data longer than its size",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("two spaces in the request line", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n"),
                Arguments.of("a control character in the target", "GET /a\u0001b HTTP/1.1\r\nHost: x\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0} is refused with 400 and the connection closed")
    @MethodSource("ambiguousRequests")
    void ambiguousFramingIsRefusedWith400AndTheConnectionClosed(String name, String request) throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send(request).readUntilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 400 "), name + ": " + answer);
            assertEquals(1, answer.split("HTTP/1\\.1 ", -1).length - 1, "exactly one response: " + answer);
            assertTrue(answer.toLowerCase().contains("connection: close"), answer);
        }
    }

    @Test
    void anUnsupportedHttpVersionGets505() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            assertTrue(c.send("GET / HTTP/1.2\r\nHost: x\r\n\r\n").readUntilClosed().startsWith("HTTP/1.1 505 "));
        }
    }

    @Test
    void aTransferCodingOtherThanChunkedBeforeChunkedGets501() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n")
                    .readUntilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 501 "), answer);
        }
    }

    @Test
    void aWellFormedChunkedBodyWithExtensionsAndTrailersIsAccepted() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3;name=value\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n").readResponse();
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            assertTrue(answer.endsWith("got 5"), answer);
            assertTrue(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().endsWith("root"), "still open");
        }
    }
}
