package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTPS at accept, ALPN's choice between h2 and HTTP/1.1, h2c with prior knowledge, the redirect and HSTS. */
class HttpsAndHttp2Test {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(HttpModule.builder()
                .get("/users/{id}", r -> HttpResponse.text("user " + r.pathParameter("id") + " over " + r.protocol()))
                .post("/echo", r -> HttpResponse.text(r.bodyText()))
                .async("GET", "/late/{n}", r -> CompletableFuture.supplyAsync(
                        () -> HttpResponse.text("late " + r.pathParameter("n")),
                        CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)))
                .get("/boom", r -> {
                    throw new IllegalStateException("kaboom");
                }));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void alpnChoosesHttp2WhenTheClientOffersIt() throws Exception {
        assertEquals("2", Curl.run("-k", "--http2", "-o", "/dev/null", "-w", "%{http_version}", server.https("/users/1")));
        assertEquals("user 1 over HTTP/2.0", Curl.run("-k", "--http2", server.https("/users/1")));
    }

    @Test
    void alpnFallsBackToHttp11WhenTheClientOffersOnlyThat() throws Exception {
        assertEquals("1.1", Curl.run("-k", "--http1.1", "-o", "/dev/null", "-w", "%{http_version}", server.https("/users/1")));
        assertEquals("user 1 over HTTP/1.1", Curl.run("-k", "--http1.1", server.https("/users/1")));
    }

    @Test
    void theJdkClientGetsHttp2OverTls() throws Exception {
        HttpClient client = Clients.client(HttpClient.Version.HTTP_2);
        java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(server.httpsUri("/echo"))
                .POST(BodyPublishers.ofString("body over h2")).build(), BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, r.version());
        assertEquals("body over h2", r.body());
        assertEquals("max-age=31536000", r.headers().firstValue("strict-transport-security").orElse(""));
    }

    @Test
    void concurrentStreamsOnOneHttp2ConnectionAreAllAnsweredWhetherAnsweredAtOnceOrLate() throws Exception {
        HttpClient client = Clients.client(HttpClient.Version.HTTP_2);
        List<CompletableFuture<java.net.http.HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String path = (i % 2 == 0 ? "/users/" : "/late/") + i;
            answers.add(client.sendAsync(java.net.http.HttpRequest.newBuilder(server.httpsUri(path)).build(),
                    BodyHandlers.ofString()));
        }
        for (int i = 0; i < 40; i++) {
            java.net.http.HttpResponse<String> r = answers.get(i).get(30, TimeUnit.SECONDS);
            assertEquals(HttpClient.Version.HTTP_2, r.version());
            assertEquals(i % 2 == 0 ? "user " + i + " over HTTP/2.0" : "late " + i, r.body());
        }
    }

    @Test
    void aHandlerThatThrowsOverHttp2Gets500AndTheConnectionServesTheNextStream() throws Exception {
        HttpClient client = Clients.client(HttpClient.Version.HTTP_2);
        assertEquals(500, client.send(java.net.http.HttpRequest.newBuilder(server.httpsUri("/boom")).build(),
                BodyHandlers.ofString()).statusCode());
        assertEquals(200, client.send(java.net.http.HttpRequest.newBuilder(server.httpsUri("/users/2")).build(),
                BodyHandlers.ofString()).statusCode());
    }

    @Test
    void http2WithPriorKnowledgeOnThePlaintextListenerIsRedirectedLikeHttp11() throws Exception {
        String answer = Curl.run("-i", "--http2-prior-knowledge", server.http("/users/1?a=b"));
        assertTrue(answer.startsWith("HTTP/2 301"), answer);
        assertTrue(answer.contains("location: https://127.0.0.1:" + server.httpsPort() + "/users/1?a=b"), answer);
    }

    @Test
    void theRedirectCarriesAShortNoteNamingTheNewLocation() throws Exception {
        String answer = Curl.run("-s", "--http2-prior-knowledge", server.http("/users/1"));
        assertEquals("Moved to https://127.0.0.1:" + server.httpsPort() + "/users/1\n", answer);
    }

    @Test
    void plaintextGetAndHeadAreRedirectedWith301ToTheHttpsPort() throws Exception {
        String answer = Curl.run("-i", server.http("/users/1?x=%20y"));
        assertTrue(answer.startsWith("HTTP/1.1 301"), answer);
        assertTrue(answer.toLowerCase().contains("location: https://127.0.0.1:" + server.httpsPort() + "/users/1?x=%20y"), answer);
        assertFalse(answer.toLowerCase().contains("strict-transport-security"), answer);
        assertTrue(Curl.run("-I", server.http("/")).startsWith("HTTP/1.1 301"));
    }

    @Test
    void plaintextPostIsRedirectedWith308() throws Exception {
        String answer = Curl.run("-i", "-d", "x=1", server.http("/echo"));
        assertTrue(answer.startsWith("HTTP/1.1 308"), answer);
    }

    @Test
    void followingTheRedirectReachesTheHttpsRoute() throws Exception {
        assertEquals("user 3 over HTTP/2.0", Curl.run("-k", "-L", server.http("/users/3")));
    }

    @Test
    void httpsResponsesCarryStrictTransportSecurity() throws Exception {
        String answer = Curl.run("-k", "-I", "--http1.1", server.https("/users/1"));
        assertTrue(answer.toLowerCase().contains("strict-transport-security: max-age=31536000"), answer);
    }

    @Test
    void theRedirectHostAndHstsAreConfigurableAndPlaintextCanBeServedInstead() throws Exception {
        try (TestServer custom = TestServer.start(HttpModule.builder().redirectHost("example.test").hsts("max-age=60")
                .get("/", r -> HttpResponse.text("hi")))) {
            assertTrue(Curl.run("-i", custom.http("/")).toLowerCase()
                    .contains("location: https://example.test:" + custom.httpsPort() + "/"));
            assertTrue(Curl.run("-k", "-I", custom.https("/")).toLowerCase().contains("strict-transport-security: max-age=60"));
        }
        try (TestServer plain = TestServer.start(HttpModule.builder().redirectToHttps(false).hsts(null)
                .get("/", r -> HttpResponse.text("hi")))) {
            assertEquals("hi", Curl.run(plain.http("/")));
            assertFalse(Curl.run("-k", "-I", plain.https("/")).toLowerCase().contains("strict-transport-security"));
        }
    }

    @Test
    void h2cWithPriorKnowledgeIsServedWhenPlaintextServes() throws Exception {
        try (TestServer plain = TestServer.start(HttpModule.builder().redirectToHttps(false)
                .get("/v", r -> HttpResponse.text(r.protocol())))) {
            assertEquals("HTTP/2.0", Curl.run("--http2-prior-knowledge", plain.http("/v")));
            assertEquals("HTTP/1.1", Curl.run("--http1.1", plain.http("/v")));
        }
    }
}
