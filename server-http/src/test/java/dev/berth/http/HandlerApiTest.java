package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The handler API through the JDK HttpClient and raw sockets: routes, parameters, errors, threads, bodies. */
class HandlerApiTest {
    private static TestServer server;
    private static final HttpClient client = Clients.client(HttpClient.Version.HTTP_1_1);

    @BeforeAll
    static void start() {
        server = TestServer.start(HttpModule.builder().redirectToHttps(false)
                .get("/users/{id}", r -> HttpResponse.text("user " + r.pathParameter("id")))
                .get("/users/{id}/posts/{post}", r -> HttpResponse.text(r.pathParameter("id") + "/" + r.pathParameter("post")))
                .get("/search", r -> HttpResponse.text("q=" + r.queryParameter("q").orElse("-")))
                .post("/echo", r -> HttpResponse.bytes(r.body(), "application/octet-stream"))
                .get("/boom", r -> {
                    throw new IllegalStateException("kaboom");
                })
                .get("/thread", r -> HttpResponse.text(Thread.currentThread().getName()))
                .blocking("GET", "/blocking", r -> {
                    Thread.sleep(50);
                    return HttpResponse.text(Thread.currentThread().getName());
                })
                .async("GET", "/async", r -> CompletableFuture.supplyAsync(() -> HttpResponse.text("later")))
                .async("GET", "/async-fails", r -> CompletableFuture.failedFuture(new RuntimeException("async kaboom")))
                .get("/stream", r -> HttpResponse.stream(new ByteArrayInputStream("streamed body".getBytes(StandardCharsets.UTF_8)),
                        "text/plain"))
                .get("/whoami", r -> HttpResponse.text(r.protocol() + " " + r.remoteAddress().getAddress().getHostAddress()
                        + " tls=" + r.tlsSession().map(s -> s.getProtocol()).orElse("none")))
                .put("/items/{id}", r -> HttpResponse.empty(204)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static java.net.http.HttpResponse<String> get(String url) throws Exception {
        return client.send(java.net.http.HttpRequest.newBuilder(URI.create(url)).build(), BodyHandlers.ofString());
    }

    @Test
    void aRouteWithAPathParameterReceivesTheDecodedValue() throws Exception {
        assertEquals("user 42", get(server.http("/users/42")).body());
        assertEquals("user a b", get(server.http("/users/a%20b")).body());
        assertEquals("7/x", get(server.http("/users/7/posts/x")).body());
    }

    @Test
    void queryParametersAreDecoded() throws Exception {
        assertEquals("q=a b&c", get(server.http("/search?q=a+b%26c")).body());
    }

    @Test
    void aPostBodyReachesTheHandler() throws Exception {
        java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(URI.create(server.http("/echo")))
                .POST(BodyPublishers.ofString("hello body")).build(), BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("hello body", r.body());
    }

    @Test
    void aPathNoRouteMatchesGets404() throws Exception {
        assertEquals(404, get(server.http("/nothing/here")).statusCode());
    }

    @Test
    void aKnownPathWithAnotherMethodGets405WithAllow() throws Exception {
        java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(URI.create(server.http("/users/1")))
                .DELETE().build(), BodyHandlers.ofString());
        assertEquals(405, r.statusCode());
        assertEquals("GET, HEAD, OPTIONS", r.headers().firstValue("allow").orElse(""));
    }

    @Test
    void headOnAGetRouteSendsTheLengthButNoBody() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("HEAD /users/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /users/2 HTTP/1.1\r\nHost: x\r\n\r\n").readHeadResponse();
            assertTrue(answer.toLowerCase().contains("content-length: 6"), answer);
            // the HEAD answer had no body, so the next bytes are the second response
            String next = c.readResponse();
            assertTrue(next.startsWith("HTTP/1.1 200") && next.endsWith("user 2"), next);
        }
    }

    @Test
    void aHandlerThatThrowsGets500AndALogLineAndTheConnectionLivesOn() throws Exception {
        try (LogCapture log = new LogCapture("dev.berth.http.internal.ExchangeHandler");
             RawClient c = new RawClient(server.httpPort())) {
            String first = c.send("GET /boom HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            assertTrue(first.startsWith("HTTP/1.1 500 "), first);
            String second = c.send("GET /users/9 HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            assertTrue(second.endsWith("user 9"), second);
            assertTrue(log.await("GET /boom").contains("kaboom"), log.lines().toString());
        }
    }

    @Test
    void aFailedAsyncHandlerGets500() throws Exception {
        assertEquals(500, get(server.http("/async-fails")).statusCode());
    }

    @Test
    void anAsyncHandlerIsAnsweredWhenItsFutureCompletes() throws Exception {
        assertEquals("later", get(server.http("/async")).body());
    }

    @Test
    void aBlockingHandlerRunsOnTheWorkerPoolAndAPlainOneOnTheEventLoop() throws Exception {
        assertTrue(get(server.http("/blocking")).body().startsWith("berth-blocking"));
        assertTrue(get(server.http("/thread")).body().startsWith("berth-io"));
    }

    @Test
    void aStreamBodyIsSentChunked() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClosed();
            assertTrue(answer.toLowerCase().contains("transfer-encoding: chunked"), answer);
            assertTrue(answer.contains("streamed body") && answer.endsWith("0\r\n\r\n"), answer);
        }
    }

    @Test
    void theRequestKnowsItsProtocolClientAddressAndTlsSession() throws Exception {
        assertEquals("HTTP/1.1 127.0.0.1 tls=none", get(server.http("/whoami")).body());
        String overTls = get(server.https("/whoami")).body();
        assertTrue(overTls.startsWith("HTTP/1.1 127.0.0.1 tls=TLSv1."), overTls);
    }

    @Test
    void everyAnsweredRequestGetsAnAccessLogLineInCombinedFormatWithVersionAndDuration() throws Exception {
        try (LogCapture log = new LogCapture("berth.http.access")) {
            client.send(java.net.http.HttpRequest.newBuilder(URI.create(server.http("/users/5"))).header("Referer", "http://ref/")
                    .header("User-Agent", "test-agent").build(), BodyHandlers.ofString());
            String line = log.await("/users/5");
            assertTrue(line.matches("127\\.0\\.0\\.1 - - \\[[^]]+] \"GET /users/5 HTTP/1\\.1\" 200 6 \"http://ref/\" "
                    + "\"test-agent\" HTTP/1\\.1 \\d+ms complete"), line);
        }
    }

    @Test
    void aPutRouteCanAnswerNoContent() throws Exception {
        java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(URI.create(server.http("/items/3")))
                .PUT(BodyPublishers.ofString("x")).build(), BodyHandlers.ofString());
        assertEquals(204, r.statusCode());
    }
}
