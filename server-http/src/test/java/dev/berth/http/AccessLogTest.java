package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.testing.TrustAll;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log tells what reached the client: the body bytes actually written, and {@code aborted}
 * for an answer cut short (client gone, stream reset), over sendfile, TLS and HTTP/2 alike.
 */
class AccessLogTest {
    /** Larger than every socket buffer between server and client on loopback, so a cut always shows. */
    private static final long SIZE = 50_000_000L;
    /** What the clients read of the body before they give up. */
    private static final int READ = 64 * 1024;

    @TempDir
    static Path root;
    private static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(root.resolve("big.bin").toFile(), "rw")) {
            f.setLength(SIZE); // sparse: no 50 MB written to the disk
        }
        Files.writeString(root.resolve("small.txt"), "hello");
        server = TestServer.start(HttpModule.builder().redirectToHttps(false).staticFiles(StaticFiles.from(root)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aDownloadTheClientClosesOverSendfileLogsTheBytesWrittenAndAborted() throws Exception {
        try (LogCapture log = new LogCapture("berth.http.access")) {
            long read;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", server.httpPort()));
                read = readSomeAndLeave(s, "/big.bin?plain");
            }
            long written = bytes(log.await("/big.bin?plain"), "HTTP/1.1", "aborted");
            assertTrue(written >= read && written < SIZE, "logged " + written + ", client read " + read);
        }
    }

    @Test
    void aDownloadTheClientClosesOverTlsLogsThePlaintextBytesWrittenAndAborted() throws Exception {
        try (LogCapture log = new LogCapture("berth.http.access")) {
            long read;
            try (SSLSocket s = (SSLSocket) TrustAll.context().getSocketFactory().createSocket()) {
                s.connect(new InetSocketAddress("127.0.0.1", server.httpsPort()));
                s.startHandshake();
                read = readSomeAndLeave(s, "/big.bin?tls");
            }
            long written = bytes(log.await("/big.bin?tls"), "HTTP/1.1", "aborted");
            assertTrue(written >= read && written < SIZE, "logged " + written + ", client read " + read);
        }
    }

    @Test
    void anHttp2StreamTheClientResetsMidBodyLogsTheBytesWrittenAndAborted() throws Exception {
        try (LogCapture log = new LogCapture("berth.http.access")) {
            HttpClient client = Clients.client(HttpClient.Version.HTTP_2);
            java.net.http.HttpResponse<InputStream> r = client.send(
                    HttpRequest.newBuilder(server.httpsUri("/big.bin?h2")).build(), BodyHandlers.ofInputStream());
            assertEquals(HttpClient.Version.HTTP_2, r.version());
            long read = r.body().readNBytes(READ).length;
            r.body().close(); // the JDK client resets the stream (RST_STREAM CANCEL); the connection stays
            long written = bytes(log.await("/big.bin?h2"), "HTTP/2.0", "aborted");
            assertTrue(written >= read && written < SIZE, "logged " + written + ", client read " + read);
        }
    }

    @Test
    void aWholeDownloadLogsItsFullSizeAndComplete() throws Exception {
        try (LogCapture log = new LogCapture("berth.http.access")) {
            Curl.run("-o", "/dev/null", server.http("/big.bin?whole"));
            assertEquals(SIZE, bytes(log.await("/big.bin?whole"), "HTTP/1.1", "complete"));
            assertEquals("hello", Curl.run("-k", "--http2", server.https("/small.txt?h2")));
            assertEquals(5, bytes(log.await("/small.txt?h2"), "HTTP/2.0", "complete"));
        }
    }

    @Test
    void aHeadRequestLogsNoBodyBytes() throws Exception {
        try (LogCapture log = new LogCapture("berth.http.access")) {
            Curl.run("-I", server.http("/big.bin?head"));
            assertEquals(0, bytes(log.await("/big.bin?head"), "HTTP/1.1", "complete"));
        }
    }

    /** Asks for a path, reads the head and {@link #READ} bytes of body, and returns how many body bytes it read. */
    private static long readSomeAndLeave(Socket s, String path) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[READ];
        int n = 0;
        int headEnd = -1;
        while (headEnd < 0 || n - headEnd < READ / 2) {
            int got = in.read(buf, n, buf.length - n);
            if (got < 0) {
                break;
            }
            n += got;
            if (headEnd < 0) {
                String text = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                headEnd = end < 0 ? -1 : end + 4;
                assertTrue(text.startsWith("HTTP/1.1 200"), text);
            }
            if (n == buf.length) {
                break;
            }
        }
        s.setSoLinger(true, 0); // leave at once, unread bytes and all, as a client that gave up does
        return n - headEnd;
    }

    /** The size field of an access-log line, after checking its protocol and completion fields. */
    private static long bytes(String line, String protocol, String completion) {
        Matcher m = Pattern.compile("\" 200 (\\d+) \"[^\"]*\" \"[^\"]*\" " + Pattern.quote(protocol) + " \\d+ms "
                + completion + "$").matcher(line);
        assertTrue(m.find(), line);
        return Long.parseLong(m.group(1));
    }
}
