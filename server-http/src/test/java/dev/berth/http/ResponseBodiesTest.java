package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bodies a handler shares or hands over: one direct buffer behind many responses, and a file already open. */
class ResponseBodiesTest {
    @TempDir
    static Path dir;
    private static final byte[] BYTES = new byte[20_000];
    private static final ByteBuffer SHARED = ByteBuffer.allocateDirect(BYTES.length);
    private static final ConcurrentLinkedQueue<FileChannel> opened = new ConcurrentLinkedQueue<>();
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        new Random(3).nextBytes(BYTES);
        SHARED.put(BYTES).flip();
        Path file = dir.resolve("body.bin");
        Files.write(file, BYTES);
        server = TestServer.start(HttpModule.builder().redirectToHttps(false)
                .get("/shared", r -> HttpResponse.bytes(SHARED.asReadOnlyBuffer(), "application/octet-stream"))
                .get("/open", r -> {
                    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                    opened.add(ch);
                    return HttpResponse.file(ch, 100, 1000, "application/octet-stream");
                }));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "a shared buffer arrives whole, again and again, over {0}")
    @ValueSource(strings = {"HTTP/1.1", "HTTPS", "HTTPS h2"})
    void aSharedBufferIsSentWholeEveryTime(String how) throws Exception {
        HttpClient c = Clients.client(how.endsWith("h2") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
        String url = how.equals("HTTP/1.1") ? server.http("/shared") : server.https("/shared");
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(BYTES, c.send(HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                    BodyHandlers.ofByteArray()).body());
        }
        assertEquals(0, SHARED.position(), "the handler's buffer is not consumed");
    }

    @Test
    void anOpenFileIsSentAndThenClosedByTheServer() throws Exception {
        HttpClient c = Clients.client(HttpClient.Version.HTTP_1_1);
        byte[] plain = c.send(HttpRequest.newBuilder(java.net.URI.create(server.http("/open"))).build(),
                BodyHandlers.ofByteArray()).body();
        byte[] tls = c.send(HttpRequest.newBuilder(java.net.URI.create(server.https("/open"))).build(),
                BodyHandlers.ofByteArray()).body();
        byte[] head = c.send(HttpRequest.newBuilder(java.net.URI.create(server.http("/open")))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofByteArray()).body();
        byte[] expected = java.util.Arrays.copyOfRange(BYTES, 100, 1100);
        assertArrayEquals(expected, plain);
        assertArrayEquals(expected, tls);
        assertEquals(0, head.length);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (opened.stream().anyMatch(FileChannel::isOpen) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(opened.stream().anyMatch(FileChannel::isOpen), "every channel closed, HEAD's too");
    }
}
