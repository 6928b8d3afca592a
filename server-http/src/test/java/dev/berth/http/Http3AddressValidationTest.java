package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.ListenerConfig;
import dev.berth.core.testing.BerthServerExtension;
import dev.berth.core.tls.TlsMode;
import io.micrometer.core.instrument.Gauge;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * QUIC address validation on the h3 listener: an Initial without a token is answered with a small Retry packet and
 * no connection state, so a flood from one (possibly spoofed) address costs the server nothing that lasts; a real
 * client brings the token back and is served.
 */
class Http3AddressValidationTest {
    private static final int FLOOD = 300;
    private static BerthServerExtension server;

    @BeforeAll
    static void start() {
        server = BerthServerExtension.newBuilder()
                .module(HttpModule.builder().get("/hello", r -> HttpResponse.text("hello")).build())
                .listener(ListenerConfig.tcp("https").protocol(HttpModule.NAME).tlsMode(TlsMode.IMPLICIT).build())
                .listener(ListenerConfig.udp("h3").protocol(HttpModule.NAME).build())
                .build();
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static double quicConnections() {
        Gauge g = server.server().config().meterRegistry().find("berth.quic.connections").tag("listener", "h3").gauge();
        return g == null ? -1 : g.value();
    }

    @Test
    void aFloodOfInitialsFromOneAddressGetsRetryPacketsAndNoConnectionState() throws Exception {
        Random random = new Random(7);
        int retries = 0;
        int answered = 0;
        int largest = 0;
        double mostConnections = 0;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(500);
            byte[] in = new byte[2048];
            for (int i = 0; i < FLOOD; i++) {
                byte[] initial = initial(random);
                socket.send(new DatagramPacket(initial, initial.length, InetAddress.getLoopbackAddress(), server.port("h3")));
                try {
                    DatagramPacket answer = new DatagramPacket(in, in.length);
                    socket.receive(answer);
                    answered++;
                    largest = Math.max(largest, answer.getLength());
                    // a long header (0x80) of type Retry (0x3 in bits 4-5)
                    if ((in[0] & 0x80) != 0 && (in[0] & 0x30) == 0x30) {
                        retries++;
                    }
                } catch (SocketTimeoutException lost) {
                    // counted below: nearly every Initial must be answered
                }
                mostConnections = Math.max(mostConnections, quicConnections());
            }
        }
        assertTrue(answered >= FLOOD * 9 / 10, answered + " of " + FLOOD + " Initials answered");
        assertEquals(answered, retries, "every answer is a Retry");
        assertTrue(largest < 200, "a Retry is far smaller than the 1200-byte Initial it answers: " + largest);
        assertEquals(0.0, mostConnections, "no QUIC connection state for Initials without a token");

        try (Http3Client c = new Http3Client(server.port("h3"), server.certificates().trustManagerFactory())) {
            assertEquals("hello", c.get("/hello").text(), "a client that brings its Retry token back is served");
            assertEquals(1.0, quicConnections(), "the gauge counts a validated connection");
        }
    }

    /**
     * A client's first packet as a flood would send it: a QUIC v1 Initial (RFC 9000 section 17.2.2) without a token,
     * fresh connection ids, padded to 1200 bytes; its payload is noise, which is all a spoofing sender can afford.
     */
    private static byte[] initial(Random random) {
        byte[] dcid = new byte[8];
        byte[] scid = new byte[8];
        random.nextBytes(dcid);
        random.nextBytes(scid);
        ByteBuffer b = ByteBuffer.allocate(1200);
        b.put((byte) 0xc3); // long header, fixed bit, type Initial, 4-byte packet number
        b.putInt(1); // QUIC version 1
        b.put((byte) dcid.length).put(dcid);
        b.put((byte) scid.length).put(scid);
        b.put((byte) 0); // token length 0
        int length = b.remaining() - 2; // the rest after this 2-byte length field: packet number and payload
        b.putShort((short) (0x4000 | length));
        byte[] rest = new byte[b.remaining()];
        random.nextBytes(rest);
        b.put(rest);
        return b.array();
    }
}
