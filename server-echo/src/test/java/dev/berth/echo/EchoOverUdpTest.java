package dev.berth.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.core.Limits;
import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The UDP echo on port 0: socat as the user's client, Java sockets for sizes and peers. */
@Timeout(60)
class EchoOverUdpTest {
    private static final int MAX_DATAGRAM = 512;

    @TempDir
    Path dir;

    private Server server;
    private InetSocketAddress address;

    @BeforeEach
    void start() {
        server = Server.builder().dataDirectory(dir).module(new EchoModule())
                .listener(ListenerConfig.udp(EchoModule.UDP_LISTENER).protocol(EchoModule.NAME).host("127.0.0.1")
                        .limits(Limits.DEFAULTS.withMaxDatagramSize(MAX_DATAGRAM)).build())
                .build().start();
        address = server.localAddress(EchoModule.UDP_LISTENER);
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    @Test
    void socatGetsEachDatagramBack() throws Exception {
        try (Cli socat = Cli.start("socat", "-", "UDP:127.0.0.1:" + address.getPort())) {
            socat.send("first datagram\n");
            assertEquals("first datagram\n", new String(socat.awaitOutput(15), StandardCharsets.UTF_8));
            socat.send("second\n");
            assertEquals("first datagram\nsecond\n", new String(socat.awaitOutput(22), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aDatagramOverTheLimitIsDroppedAndCountedNotTruncated() throws Exception {
        try (DatagramSocket client = client()) {
            byte[] big = new byte[MAX_DATAGRAM + 1];
            Arrays.fill(big, (byte) 'x');
            client.send(new DatagramPacket(big, big.length, address));
            client.send(packet("small"));
            // The socket keeps order on loopback: a truncated echo of the big one would arrive first.
            assertEquals("small", receive(client));
            assertEquals(1, server.droppedDatagrams(EchoModule.UDP_LISTENER));
        }
    }

    @Test
    void aDatagramExactlyAtTheLimitComesBackWhole() throws Exception {
        try (DatagramSocket client = client()) {
            byte[] edge = new byte[MAX_DATAGRAM];
            Arrays.fill(edge, (byte) 'y');
            client.send(new DatagramPacket(edge, edge.length, address));
            assertEquals(new String(edge, StandardCharsets.US_ASCII), receive(client));
            assertEquals(0, server.droppedDatagrams(EchoModule.UDP_LISTENER));
        }
    }

    @Test
    void aPeerThatHasGoneAwayDoesNotHoldUpTheEchoForOthers() throws Exception {
        DatagramSocket gone = client();
        gone.send(packet("nobody will read this"));
        gone.close();
        try (DatagramSocket alice = client(); DatagramSocket bob = client()) {
            alice.send(packet("alice"));
            bob.send(packet("bob"));
            assertEquals("alice", receive(alice));
            assertEquals("bob", receive(bob));
        }
    }

    private DatagramSocket client() throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        s.setSoTimeout(20_000);
        return s;
    }

    private DatagramPacket packet(String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        return new DatagramPacket(b, b.length, address);
    }

    private static String receive(DatagramSocket s) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        s.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
    }
}
