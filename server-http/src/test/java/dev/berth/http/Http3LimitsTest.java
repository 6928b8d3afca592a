package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Limits;
import dev.berth.core.ListenerConfig;
import dev.berth.core.testing.BerthServerExtension;
import dev.berth.core.tls.TlsMode;
import io.netty.handler.codec.http3.Http3ErrorCode;
import io.netty.handler.codec.http3.Http3SettingsFrame;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicTransportParameters;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The limits of an HTTP/3 listener: the field section size and QPACK in its SETTINGS, QUIC's transport
 * parameters, the body timeout, connections per client address, and a client that never reads.
 */
class Http3LimitsTest {
    private static final int MAX_HEADER = 4096;
    private static final int MAX_DATAGRAM = 1350;
    private static final long ENDLESS = 256L * 1024 * 1024;
    /** Bytes the server has taken from the endless body so far. */
    private static final AtomicLong pulled = new AtomicLong();
    private static BerthServerExtension server;

    @BeforeAll
    static void start() throws Exception {
        server = server(Limits.DEFAULTS.withMaxDatagramSize(MAX_DATAGRAM));
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static BerthServerExtension server(Limits h3) {
        HttpModule module = HttpModule.builder()
                .get("/hello", r -> HttpResponse.text("hello over " + r.protocol()))
                .blocking("POST", "/upload", r -> HttpResponse.text("got " + r.bodyText().length()))
                .blocking("GET", "/endless", r -> HttpResponse.stream(new Endless(), "application/octet-stream"))
                .limits(HttpLimits.DEFAULTS.withMaxHeaderSize(MAX_HEADER).withBodyTimeout(Duration.ofSeconds(1)))
                .build();
        return BerthServerExtension.newBuilder().module(module)
                .listener(ListenerConfig.tcp("https").protocol(HttpModule.NAME).tlsMode(TlsMode.IMPLICIT).build())
                .listener(ListenerConfig.udp("h3").protocol(HttpModule.NAME).limits(h3).build())
                .build();
    }

    private static Http3Client client(BerthServerExtension s) throws Exception {
        return new Http3Client(s.port("h3"), s.certificates().trustManagerFactory(), true);
    }

    @Test
    void theSettingsCarryTheFieldSectionLimitAndLeaveQpackNoDynamicTable() throws Exception {
        try (Http3Client c = client(server)) {
            Http3SettingsFrame settings = c.settings().get(10, TimeUnit.SECONDS);
            assertEquals(MAX_HEADER, settings.get(Http3SettingsFrame.HTTP3_SETTINGS_MAX_FIELD_SECTION_SIZE));
            assertEquals(0L, settings.getOrDefault(Http3SettingsFrame.HTTP3_SETTINGS_QPACK_MAX_TABLE_CAPACITY, -1));
            assertEquals(0L, settings.getOrDefault(Http3SettingsFrame.HTTP3_SETTINGS_QPACK_BLOCKED_STREAMS, -1));
        }
    }

    @Test
    void theTransportParametersCarryTheDatagramSizeAndRefuseActiveMigration() throws Exception {
        try (Http3Client c = client(server)) {
            assertTrue(c.connected());
            QuicTransportParameters p = c.quic().peerTransportParameters();
            assertEquals(MAX_DATAGRAM, p.maxUdpPayloadSize());
            // Netty 4.2.18 reads the native parameters one place off from disable_active_migration on: its
            // disableActiveMigration() is always false, and maxDatagramFrameSize() holds the flag (1 with
            // activeMigration(false) on the server, 0 without; tried both ways)
            assertEquals(1, p.maxDatagramFrameSize(), "disable_active_migration is sent: " + p);
        }
    }

    @Test
    void aHeaderSectionOverTheLimitClosesTheConnectionWithExcessiveLoad() throws Exception {
        try (LogCapture netty = new LogCapture("io.netty.handler.codec.http3"); Http3Client c = client(server)) {
            assertEquals(200, c.get("/hello").status(), "a request within the limit is served");
            c.send("GET", "/hello", new String[] {"x-big", "b".repeat(MAX_HEADER + 100)}, null, -1, true);
            QuicConnectionCloseEvent closed = c.closed().get(10, TimeUnit.SECONDS);
            assertTrue(closed.isApplicationClose(), closed.toString());
            assertEquals(Http3ErrorCode.H3_EXCESSIVE_LOAD.code(), closed.error(), closed.toString());
            assertEquals(List.of(), netty.lines(), "the client's error is not logged as the server's");
        }
    }

    @Test
    void aRequestBodyThatStopsArrivingIsAnswered408() throws Exception {
        try (Http3Client c = client(server)) {
            Http3Client.Answer a = c.send("POST", "/upload", null, new byte[10], 100, false).get(15, TimeUnit.SECONDS);
            assertEquals(408, a.status());
            assertEquals(200, c.get("/hello").status(), "the connection goes on serving");
        }
    }

    @Test
    void aClientThatNeverReadsStopsTheServerAtTheFlowControlWindow() throws Exception {
        pulled.set(0);
        try (Http3Client c = client(server)) {
            QuicStreamChannel stream = c.getWithoutReading("/endless");
            long last = -1;
            long stableSince = System.nanoTime();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            // wait until the server has stopped taking bytes for two seconds
            while (System.nanoTime() < deadline && System.nanoTime() - stableSince < TimeUnit.SECONDS.toNanos(2)) {
                Thread.sleep(100);
                long now = pulled.get();
                if (now != last) {
                    last = now;
                    stableSince = System.nanoTime();
                }
            }
            long taken = pulled.get();
            assertTrue(taken >= 1024 * 1024, "the download started: " + taken);
            // the client's 4 MiB stream window, plus what the server's writer holds: a few chunks
            assertTrue(taken <= 6L * 1024 * 1024, "the server took " + taken + " bytes for a client that reads none");
            assertTrue(System.nanoTime() - stableSince >= TimeUnit.SECONDS.toNanos(2), "it stopped taking bytes");
            stream.close();
        }
    }

    @Test
    void connectionsOverThePerAddressLimitAreRefusedWithConnectionRefused() throws Exception {
        BerthServerExtension limited = server(Limits.DEFAULTS.withMaxConnectionsPerIp(2));
        limited.start();
        try (Http3Client one = client(limited); Http3Client two = client(limited)) {
            assertEquals(200, one.get("/hello").status());
            assertEquals(200, two.get("/hello").status());
            try (Http3Client three = client(limited)) {
                QuicConnectionCloseEvent closed = three.closed().get(10, TimeUnit.SECONDS);
                assertFalse(closed.isApplicationClose(), "a transport error: " + closed);
                assertEquals(0x2, closed.error(), "CONNECTION_REFUSED: " + closed);
            }
            assertEquals(1, limited.server().refusedConnections("h3"));
        } finally {
            limited.stop();
        }
    }

    /** A body of {@link #ENDLESS} bytes made as they are read, counting in {@link #pulled} what the server took. */
    private static final class Endless extends InputStream {
        private long left = ENDLESS;

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            left -= n;
            pulled.addAndGet(n);
            return n;
        }
    }
}
