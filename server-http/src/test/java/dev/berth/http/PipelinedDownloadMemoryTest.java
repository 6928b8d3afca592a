package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTP/1.1 client that pipelines GETs of a large file over TLS and never reads: what the server holds in
 * buffers for it, by the buffer allocator's own count, stays a small bound instead of growing with the files
 * it was asked for, and other clients are still served.
 */
class PipelinedDownloadMemoryTest {
    private static final int FILE_SIZE = 8 * 1024 * 1024;
    private static final int REQUESTS = 64;
    /** Far below one file, let alone the {@value #REQUESTS} x 8 MiB asked for. */
    private static final long BOUND = 6 * 1024 * 1024;

    @TempDir
    static Path dir;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        byte[] big = new byte[FILE_SIZE];
        new Random(3).nextBytes(big);
        Files.write(dir.resolve("big.bin"), big);
        Files.writeString(dir.resolve("small.txt"), "small");
        server = TestServer.start(HttpModule.builder().redirectToHttps(false).staticFiles(StaticFiles.from(dir)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static long used(ByteBufAllocatorMetric m) {
        return m.usedDirectMemory() + m.usedHeapMemory();
    }

    @Test
    void aClientPipeliningLargeDownloadsWithoutReadingHoldsOnlyABoundedAmountOfServerMemory() throws Exception {
        assertTrue(ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider, "the allocator counts its memory");
        ByteBufAllocatorMetric metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        long before = used(metric);
        long peak = before;
        Socket plain = new Socket();
        plain.setReceiveBufferSize(8 * 1024);
        plain.connect(new InetSocketAddress("127.0.0.1", server.httpsPort()), 5000);
        try (SSLSocket tls = (SSLSocket) Clients.trustAll().getSocketFactory()
                .createSocket(plain, "127.0.0.1", server.httpsPort(), true)) {
            tls.startHandshake();
            OutputStream out = tls.getOutputStream();
            out.write("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n".repeat(REQUESTS).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // the client never reads; give the server 40 looks over four seconds to buffer what it would
            for (int i = 0; i < 40; i++) {
                Thread.sleep(100);
                peak = Math.max(peak, used(metric));
            }
            assertTrue(peak - before < BOUND, "the server came to hold " + (peak - before) + " more bytes");
            assertEquals("small", Curl.run("-k", "--http1.1", server.https("/small.txt")), "another client is served");
        }
    }
}
