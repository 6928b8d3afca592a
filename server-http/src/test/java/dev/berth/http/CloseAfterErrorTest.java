package dev.berth.http;

import static dev.berth.http.RawHttp2.END_HEADERS;
import static dev.berth.http.RawHttp2.END_STREAM;
import static dev.berth.http.RawHttp2.HEADERS;
import static dev.berth.http.RawHttp2.frame;
import static dev.berth.http.RawHttp2.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that is still sending when the server ends the connection, and reads only once it has stopped,
 * gets the server's last answer and then the end of the stream. The server's answer waits in its own send
 * queue while the client's receive window is full (here, of a 64 KiB answer it has not read); a plain close
 * with the client's bytes still arriving makes the kernel reset the connection and drop that queue.
 */
class CloseAfterErrorTest {
    private static final byte[] BIG = new byte[60 * 1024];
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(HttpModule.builder().redirectToHttps(false)
                .limits(HttpLimits.DEFAULTS.withMaxBodySize(1024))
                .get("/big", r -> HttpResponse.bytes(BIG, "application/octet-stream")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * Sends {@code chunk} 200 times, 5 ms apart (about 1 s, well under the server's lingering bound in time
     * and bytes), on another thread; ends early when the server's close makes a write fail.
     */
    private static void keepSending(Sender sender, byte[] chunk) throws Exception {
        CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < 200; i++) {
                    sender.send(chunk);
                    Thread.sleep(5);
                }
            } catch (IOException resetByTheServer) {
                // what the test is about: the reset that also drops the server's answer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).get(30, TimeUnit.SECONDS);
    }

    private interface Sender {
        void send(byte[] bytes) throws IOException;
    }

    @Test
    void anHttp11ErrorAnswerReachesAClientStillSendingItsBodyAndTheConnectionThenEnds() throws Exception {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", server.httpPort()), 5000);
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /big HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            keepSending(b -> {
                out.write(b);
                out.flush();
            }, new byte[1024]);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            String end;
            try {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[16 * 1024];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    got.write(buf, 0, n);
                }
                end = "end of stream";
            } catch (IOException e) {
                end = e.toString();
            }
            String text = got.toString(StandardCharsets.ISO_8859_1);
            assertTrue(text.startsWith("HTTP/1.1 200 "), text.substring(0, Math.min(80, text.length())));
            assertTrue(text.contains("HTTP/1.1 413 "), got.size() + " bytes read, then " + end);
            assertEquals("end of stream", end);
        }
    }

    @Test
    void anHttp2GoAwayReachesAClientStillSendingAndTheConnectionThenEnds() throws Exception {
        try (RawHttp2 client = RawHttp2.open(server.httpPort(), 4096)) {
            client.send(frame(HEADERS, END_STREAM | END_HEADERS, 1, RawHttp2.concat(request("GET", true, false),
                    new byte[] {0x44, 0x04, '/', 'b', 'i', 'g'})));
            Thread.sleep(100); // lets the answer fill the client's receive window; the GOAWAY queues behind it
            // a DATA frame on stream 0 is a connection error (RFC 9113 section 6.1)
            client.send(frame(RawHttp2.DATA, 0, 0, new byte[1]));
            // frames of an unknown type, which a receiver ignores (section 4.1), and which keep the client sending
            keepSending(client::send, frame(0x20, 0, 0, new byte[1015]));
            List<String> frames = client.read(null, Duration.ofSeconds(15));
            String tail = frames.subList(Math.max(0, frames.size() - 3), frames.size()).toString();
            assertTrue(frames.contains("GOAWAY PROTOCOL_ERROR"), frames.size() + " frames, ending " + tail);
            assertEquals("closed", frames.get(frames.size() - 1), tail);
        }
    }
}
