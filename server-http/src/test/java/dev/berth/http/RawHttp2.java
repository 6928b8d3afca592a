package dev.berth.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An h2c prior-knowledge connection that writes hand-made frames, valid or not, and reads back what the
 * server sends as one line per frame ({@code RST_STREAM 1 PROTOCOL_ERROR}, {@code GOAWAY FLOW_CONTROL_ERROR}),
 * ending with {@code closed} when the server closes. Netty's own frame writer refuses to write most of the
 * frames these tests need.
 */
final class RawHttp2 implements AutoCloseable {
    static final int DATA = 0;
    static final int HEADERS = 1;
    static final int PRIORITY = 2;
    static final int RST_STREAM = 3;
    static final int SETTINGS = 4;
    static final int PING = 6;
    static final int GOAWAY = 7;
    static final int WINDOW_UPDATE = 8;
    static final int CONTINUATION = 9;
    static final int END_STREAM = 0x1;
    static final int END_HEADERS = 0x4;
    private static final String[] TYPES = {"DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE",
        "PING", "GOAWAY", "WINDOW_UPDATE", "CONTINUATION"};
    private static final String[] ERRORS = {"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR",
        "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
        "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"};
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final Socket socket;
    private final DefaultHttp2HeadersDecoder hpack = new DefaultHttp2HeadersDecoder(false);
    private final List<String> statuses = new ArrayList<>();
    private final java.util.Map<Integer, Long> settings = new java.util.HashMap<>();
    private long connectionWindowIncrements;

    private RawHttp2(Socket socket) {
        this.socket = socket;
    }

    /** Connects, sends the preface and an empty SETTINGS frame, and acknowledges the server's SETTINGS. */
    static RawHttp2 open(int port) throws IOException {
        return open(port, 0);
    }

    /** As {@link #open(int)}, with the socket's receive buffer set to {@code receiveBuffer} bytes unless 0. */
    static RawHttp2 open(int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setTcpNoDelay(true);
        RawHttp2 c = new RawHttp2(s);
        c.send(PREFACE, frame(SETTINGS, 0, 0, new byte[0]), frame(SETTINGS, 0x1, 0, new byte[0]));
        return c;
    }

    /** HPACK: :method (static table), :scheme http, :path /, and :authority x as a literal; any part may be left out. */
    static byte[] request(String method, boolean scheme, boolean path) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (method != null) {
            b.writeBytes(method.equals("GET") ? new byte[] {(byte) 0x82} : new byte[] {(byte) 0x83});
        }
        if (scheme) {
            b.write(0x86);
        }
        if (path) {
            b.write(0x84);
        }
        b.writeBytes(new byte[] {0x01, 0x01, 'x'});
        return b.toByteArray();
    }

    /** A literal header field without indexing, new name (RFC 7541 section 6.2.2), no Huffman coding. */
    static byte[] literal(String name, String value) {
        return concat(new byte[] {0x00, (byte) name.length()}, name.getBytes(StandardCharsets.ISO_8859_1),
                new byte[] {(byte) value.length()}, value.getBytes(StandardCharsets.ISO_8859_1));
    }

    static byte[] frame(int type, int flags, int stream, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(9 + payload.length);
        b.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
        b.put((byte) type).put((byte) flags).putInt(stream).put(payload);
        return b.array();
    }

    static byte[] windowUpdate(int stream, int increment) {
        return frame(WINDOW_UPDATE, 0, stream, ByteBuffer.allocate(4).putInt(increment).array());
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    void send(byte[]... frames) throws IOException {
        socket.getOutputStream().write(concat(frames));
        socket.getOutputStream().flush();
    }

    /**
     * Reads frames until the server closes the connection, a frame line contains {@code until}, or
     * {@code quiet} passes without a byte; SETTINGS and its acknowledgement are left out.
     */
    List<String> read(String until, Duration quiet) throws IOException {
        socket.setSoTimeout((int) quiet.toMillis());
        InputStream in = socket.getInputStream();
        List<String> seen = new ArrayList<>();
        try {
            while (true) {
                byte[] head = in.readNBytes(9);
                if (head.length < 9) {
                    seen.add("closed");
                    return seen;
                }
                int length = (head[0] & 0xFF) << 16 | (head[1] & 0xFF) << 8 | head[2] & 0xFF;
                ByteBuffer payload = ByteBuffer.wrap(in.readNBytes(length));
                int type = head[3];
                int stream = ByteBuffer.wrap(head, 5, 4).getInt() & 0x7FFFFFFF;
                if (type == HEADERS) {
                    statuses.add(status(stream, payload));
                }
                if (type == SETTINGS && (head[4] & 0x1) == 0) {
                    for (int i = 0; i + 6 <= length; i += 6) {
                        settings.put(payload.getShort(i) & 0xFFFF, payload.getInt(i + 2) & 0xFFFFFFFFL);
                    }
                }
                if (type == WINDOW_UPDATE && stream == 0) {
                    connectionWindowIncrements += payload.getInt(0) & 0x7FFFFFFF;
                }
                String line = switch (type) {
                    case RST_STREAM -> "RST_STREAM " + stream + " " + error(payload.getInt(0));
                    case GOAWAY -> "GOAWAY " + error(payload.getInt(4));
                    case SETTINGS -> null;
                    default -> (type < TYPES.length ? TYPES[type] : "type" + type) + " " + stream;
                };
                if (line != null) {
                    seen.add(line);
                    if (until != null && line.contains(until)) {
                        return seen;
                    }
                }
            }
        } catch (SocketTimeoutException e) {
            seen.add("quiet");
            return seen;
        } catch (IOException e) {
            seen.add("closed");
            return seen;
        }
    }

    /** The server's SETTINGS read so far, by identifier (RFC 9113 section 6.5.2). */
    java.util.Map<Integer, Long> settings() {
        return java.util.Map.copyOf(settings);
    }

    /** The sum of the increments of the connection-level WINDOW_UPDATE frames read so far. */
    long connectionWindowIncrements() {
        return connectionWindowIncrements;
    }

    /** The {@code :status} of every HEADERS frame read so far, in order. */
    List<String> statuses() {
        return List.copyOf(statuses);
    }

    private String status(int stream, ByteBuffer block) throws IOException {
        ByteBuf buf = Unpooled.wrappedBuffer(block.duplicate());
        try {
            CharSequence status = hpack.decodeHeaders(stream, buf).status();
            return status == null ? "none" : status.toString();
        } catch (Http2Exception e) {
            throw new IOException("undecodable header block on stream " + stream, e);
        } finally {
            buf.release();
        }
    }

    private static String error(int code) {
        return code >= 0 && code < ERRORS.length ? ERRORS[code] : "error" + code;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
