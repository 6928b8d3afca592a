package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 abuse with hand-made frames over h2c prior knowledge: rapid reset (CVE-2023-44487), a
 * CONTINUATION flood, and malformed requests (uppercase names,
 * {@code connection:}, DATA beyond content-length). Each must end in GOAWAY, RST_STREAM or a close.
 */
class Http2FloodTest {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final int DATA = 0;
    private static final int HEADERS = 1;
    private static final int RST_STREAM = 3;
    private static final int SETTINGS = 4;
    private static final int GOAWAY = 7;
    private static final int CONTINUATION = 9;
    /** HPACK: :method GET, :path /, :scheme http (static table), then :authority x as a literal. */
    private static final byte[] GET = {(byte) 0x82, (byte) 0x84, (byte) 0x86, 0x01, 0x01, 'x'};
    private static final byte[] POST = {(byte) 0x83, (byte) 0x84, (byte) 0x86, 0x01, 0x01, 'x'};
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

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(9 + payload.length);
        b.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
        b.put((byte) type).put((byte) flags).putInt(stream).put(payload);
        return b.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] hpackLiteral(String name, String value) {
        // literal header field without indexing, new name (RFC 7541 section 6.2.2), no Huffman
        return concat(new byte[] {0x00, (byte) name.length()}, name.getBytes(StandardCharsets.ISO_8859_1),
                new byte[] {(byte) value.length()}, value.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A connection that has sent the preface and an empty SETTINGS frame. */
    private static Socket open() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.httpPort()), 5000);
        s.setSoTimeout(15_000);
        s.getOutputStream().write(concat(PREFACE, frame(SETTINGS, 0, 0, new byte[0])));
        return s;
    }

    /** Frame types the server sent (with the GOAWAY error code), until it closes; fails if it never does. */
    private static String readFramesUntilClosed(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder seen = new StringBuilder();
        try {
            while (true) {
                byte[] head = in.readNBytes(9);
                if (head.length < 9) {
                    return seen.toString();
                }
                int length = (head[0] & 0xFF) << 16 | (head[1] & 0xFF) << 8 | head[2] & 0xFF;
                byte[] payload = in.readNBytes(length);
                int type = head[3];
                seen.append(type == GOAWAY && payload.length >= 8
                        ? "GOAWAY(" + ByteBuffer.wrap(payload, 4, 4).getInt() + ") " : "type" + type + " ");
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open; frames so far: " + seen);
        } catch (IOException e) {
            return seen + "reset";
        }
    }

    @Test
    void rapidResetIsAnsweredWithGoAwayEnhanceYourCalm() throws Exception {
        try (Socket s = open()) {
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i < 1000; i++) {
                int stream = 1 + 2 * i;
                burst.writeBytes(frame(HEADERS, 0x5, stream, GET));
                burst.writeBytes(frame(RST_STREAM, 0, stream, new byte[] {0, 0, 0, 8}));
            }
            try {
                s.getOutputStream().write(burst.toByteArray());
            } catch (IOException closedEarly) {
                // the server may close before the whole burst is written
            }
            // without the defence all 1000 streams are answered and the connection stays open
            String frames = readFramesUntilClosed(s);
            long answered = frames.split("type" + HEADERS + " ", -1).length - 1;
            assertTrue(answered < 1000, answered + " streams answered");
            assertTrue(frames.contains("GOAWAY(") || frames.endsWith("reset"), frames.substring(Math.max(0, frames.length() - 200)));
        }
    }

    @Test
    void aContinuationFloodEndsTheConnection() throws Exception {
        try (Socket s = open()) {
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            burst.writeBytes(frame(HEADERS, 0x1, 1, GET)); // END_STREAM, no END_HEADERS
            for (int i = 0; i < 10_000; i++) {
                burst.writeBytes(frame(CONTINUATION, 0, 1, new byte[0]));
            }
            try {
                s.getOutputStream().write(burst.toByteArray());
            } catch (IOException closedEarly) {
                // closed while flooding: the defence worked
            }
            String frames = readFramesUntilClosed(s);
            assertTrue(frames.contains("GOAWAY(") || frames.endsWith("reset"), frames);
        }
    }

    @Test
    void anUppercaseHeaderNameIsAStreamOrConnectionError() throws Exception {
        assertMalformedRequestIsRefused(concat(GET, hpackLiteral("X-Upper", "a")));
    }

    @Test
    void aConnectionHeaderIsAStreamOrConnectionError() throws Exception {
        assertMalformedRequestIsRefused(concat(GET, hpackLiteral("connection", "keep-alive")));
    }

    private static void assertMalformedRequestIsRefused(byte[] block) throws IOException {
        try (Socket s = open()) {
            s.getOutputStream().write(frame(HEADERS, 0x5, 1, block));
            s.setSoTimeout(2_000); // a stream error leaves the connection open: read what came, then stop
            String frames;
            try {
                frames = readFramesUntilClosed(s);
            } catch (AssertionError stillOpen) {
                frames = stillOpen.getMessage();
            }
            assertTrue(frames.contains("type" + RST_STREAM) || frames.contains("GOAWAY(1)"), frames);
            assertTrue(!frames.contains("type" + HEADERS), "no response headers: " + frames);
        }
    }

    @Test
    void dataBeyondTheDeclaredContentLengthIsRefused() throws Exception {
        try (Socket s = open()) {
            s.getOutputStream().write(concat(frame(HEADERS, 0x4, 1, concat(POST, hpackLiteral("content-length", "3"))),
                    frame(DATA, 0x1, 1, "abcdef".getBytes(StandardCharsets.ISO_8859_1))));
            s.setSoTimeout(2_000); // a stream error leaves the connection open: read what came, then stop
            String frames;
            try {
                frames = readFramesUntilClosed(s);
            } catch (AssertionError stillOpen) {
                frames = stillOpen.getMessage();
            }
            assertTrue(frames.contains("type" + RST_STREAM) || frames.contains("GOAWAY(1)"), frames);
            assertTrue(!frames.contains("type" + HEADERS), "the handler never answered: " + frames);
        }
    }
}
