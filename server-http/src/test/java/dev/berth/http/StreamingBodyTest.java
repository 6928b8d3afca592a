package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A streaming route is called when the head arrives and reads the body as it comes, over HTTP/1.1 and HTTP/2. */
class StreamingBodyTest {
    private static final CountDownLatch started = new CountDownLatch(1);
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(HttpModule.builder().redirectToHttps(false)
                .streaming("POST", "/count", r -> {
                    started.countDown();
                    long n = 0;
                    long sum = 0;
                    byte[] buf = new byte[8192];
                    try (InputStream in = r.bodyStream()) {
                        int k;
                        while ((k = in.read(buf)) >= 0) {
                            n += k;
                            for (int i = 0; i < k; i++) {
                                sum += buf[i] & 0xFF;
                            }
                        }
                    }
                    return HttpResponse.text(n + " bytes, sum " + sum);
                }));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theHandlerStartsBeforeTheBodyIsCompleteAndReadsItAll() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            c.send("POST /count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
            assertTrue(started.await(10, TimeUnit.SECONDS), "called while the body is still arriving");
            String answer = c.send("2\r\nde\r\n0\r\n\r\n").readResponse();
            assertTrue(answer.endsWith("5 bytes, sum " + ("abcde".chars().sum())), answer);
        }
    }

    @Test
    void aLargeUploadStreamsThroughOverHttp11AndHttp2(@TempDir Path dir) throws Exception {
        byte[] data = new byte[6_000_000];
        new Random(7).nextBytes(data);
        long sum = 0;
        for (byte b : data) {
            sum += b & 0xFF;
        }
        Path file = dir.resolve("upload.bin");
        Files.write(file, data);
        String expected = data.length + " bytes, sum " + sum;
        assertEquals(expected, Curl.run("--http1.1", "--data-binary", "@" + file, server.http("/count")));
        assertEquals(expected, Curl.run("-k", "--http2", "--data-binary", "@" + file, server.https("/count")));
        assertEquals(expected, Curl.run("--http1.1", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file,
                server.http("/count")));
    }
}
