package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP/2 limits: the announced stream limit, the body limit per stream, and many streams on one connection. */
class Http2LimitsTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(HttpModule.builder().redirectToHttps(false)
                .limits(HttpLimits.DEFAULTS.withMaxConcurrentStreams(7).withMaxBodySize(1000))
                .post("/upload", r -> HttpResponse.text("got " + r.body().length))
                .get("/n/{n}", r -> HttpResponse.text(r.pathParameter("n"))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theServerAnnouncesItsConcurrentStreamLimitInItsSettings() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.httpPort()), 5000);
            s.setSoTimeout(15_000);
            s.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
            DataInputStream in = new DataInputStream(s.getInputStream());
            int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
            assertEquals(4, in.readUnsignedByte(), "a SETTINGS frame");
            in.readUnsignedByte();
            in.readInt();
            long maxStreams = -1;
            for (int i = 0; i < length / 6; i++) {
                int id = in.readUnsignedShort();
                long value = in.readInt() & 0xFFFFFFFFL;
                if (id == 3) {
                    maxStreams = value;
                }
            }
            assertEquals(7, maxStreams);
        }
    }

    @Test
    void aBodyOverTheLimitOnAStreamGets413(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big");
        Files.write(big, new byte[5000]);
        assertEquals("413", Curl.run("-k", "--http2", "-o", "/dev/null", "-w", "%{http_code}",
                "--data-binary", "@" + big, server.https("/upload")));
        assertEquals("got 1000", Curl.run("-k", "--http2", "--data-binary", "@" + writeBytes(dir, 1000), server.https("/upload")));
    }

    @Test
    void aHeaderListOverTheLimitOnAStreamGets431() throws Exception {
        String answer = Curl.run("-k", "--http2", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                "X-Big: " + "b".repeat(20_000), server.https("/n/1"));
        assertEquals("431", answer);
        assertEquals("1", Curl.run("-k", "--http2", server.https("/n/1")));
    }

    @Test
    void manyParallelStreamsOnOneConnectionAllGetTheirOwnAnswers() throws Exception {
        HttpClient client = Clients.client(HttpClient.Version.HTTP_2);
        List<CompletableFuture<java.net.http.HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            answers.add(client.sendAsync(java.net.http.HttpRequest.newBuilder(server.httpsUri("/n/" + i)).build(),
                    BodyHandlers.ofString()));
        }
        for (int i = 0; i < 40; i++) {
            java.net.http.HttpResponse<String> r = answers.get(i).get(30, TimeUnit.SECONDS);
            assertEquals(HttpClient.Version.HTTP_2, r.version());
            assertEquals(String.valueOf(i), r.body());
        }
    }

    private static String writeBytes(Path dir, int n) throws Exception {
        Path p = dir.resolve("n" + n);
        Files.write(p, new byte[n]);
        return p.toString();
    }
}
