package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that pipelines commands without ever reading the replies: what the server holds for it, by the
 * buffer allocator's own count, stays a small bound instead of growing with the replies it owes, because the
 * server stops reading while its replies cannot be written; other sessions are still served.
 */
class PipeliningWithoutReadingTest {
    /** 800,000 NOOPs (4.8 MB) would earn 11.2 MB of replies. */
    private static final int COMMANDS = 800_000;
    private static final long BOUND = 4L * 1024 * 1024;

    @TempDir
    static Path maildir;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(maildir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static long used(ByteBufAllocatorMetric m) {
        return m.usedDirectMemory() + m.usedHeapMemory();
    }

    @Test
    void aClientThatPipelinesWithoutReadingMakesTheServerHoldOnlyABoundedAmount() throws Exception {
        assertTrue(ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider, "the allocator counts its memory");
        ByteBufAllocatorMetric metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        long before = used(metric);
        long peak = before;
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(8 * 1024);
            s.connect(server.address(), 5000);
            InputStream in = s.getInputStream();
            byte[] greeting = new byte[256];
            assertTrue(in.read(greeting) > 0, "the greeting arrives");
            byte[] noops = ("EHLO client.example\r\n" + "NOOP\r\n".repeat(COMMANDS)).getBytes(StandardCharsets.US_ASCII);
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(noops); // blocks once the server stops reading; the socket's close ends it
                } catch (IOException closed) {
                    // expected when the test closes the socket
                }
            }, "pipelining-writer");
            writer.setDaemon(true);
            writer.start();
            // The client never reads; 40 looks over four seconds at what the server buffers meanwhile.
            for (int i = 0; i < 40; i++) {
                Thread.sleep(100);
                peak = Math.max(peak, used(metric));
            }
            assertTrue(peak - before < BOUND, "the server came to hold " + (peak - before) + " more bytes");
            try (SmtpTestClient other = server.connect()) {
                assertTrue(other.reply().startsWith("220 "), "another session is served");
            }
        }
    }
}
