package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.testing.LineClient;
import dev.berth.core.testing.TestModules;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerListenersTest {

    @TempDir
    Path dir;

    private static ServerBuilder echoServer() {
        return Server.builder().module(TestModules.echo("echo")).shutdownTimeout(java.time.Duration.ofSeconds(2));
    }

    @Test
    void tcpAndUdpListenersOnPortZeroReportTheirRealPortsAndCarryData() throws Exception {
        try (Server server = echoServer()
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1").port(0).build())
                .listener(ListenerConfig.udp("echo-udp").protocol("echo").host("127.0.0.1").port(0).build())
                .build().start()) {
            InetSocketAddress tcp = server.localAddress("echo");
            InetSocketAddress udp = server.localAddress("echo-udp");
            assertNotEquals(0, tcp.getPort());
            assertNotEquals(0, udp.getPort());
            try (LineClient c = new LineClient(tcp)) {
                c.send("hello\r\n");
                assertEquals("hello", c.readLine());
            }
            assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), udpRoundTrip(udp, "ping".getBytes(StandardCharsets.US_ASCII)));
        }
    }

    @Test
    void listenersAcceptOnTheEventLoopsWithNoThreadOfTheirOwn() throws Exception {
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (Server server = echoServer().eventLoopThreads(1)
                .listener(ListenerConfig.tcp("one").protocol("echo").host("127.0.0.1").port(0).build())
                .listener(ListenerConfig.tcp("two").protocol("echo").host("127.0.0.1").port(0).build())
                .build().start()) {
            for (String name : new String[] {"one", "two"}) {
                try (LineClient c = new LineClient(server.localAddress(name))) {
                    assertEquals(name, c.send(name + "\r\n").readLine());
                }
            }
            // two listeners and their connections on one event loop: one thread, no acceptor beside it
            // (the blocking pool's threads, the JVM meters' short-lived binder and the coarse clock's ticker are not
            // event loops)
            java.util.List<String> started = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t)).map(Thread::getName).sorted().toList();
            java.util.List<String> loops = started.stream()
                    .filter(n -> n.startsWith("berth-") && !n.startsWith("berth-blocking")
                            && !n.equals("berth-jvm-meters") && !n.equals("berth-clock"))
                    .toList();
            assertEquals(1, loops.size(), started.toString());
            assertTrue(loops.get(0).startsWith("berth-io-"), started.toString());
            assertTrue(started.stream().noneMatch(n -> n.toLowerCase(java.util.Locale.ROOT).contains("accept")
                    || n.contains("EventLoop")), started.toString());
        }
    }

    @Test
    void twoTcpListenersInOneServerServeIndependently() throws Exception {
        try (Server server = echoServer()
                .listener(ListenerConfig.tcp("one").protocol("echo").host("127.0.0.1").port(0).build())
                .listener(ListenerConfig.tcp("two").protocol("echo").host("127.0.0.1").port(0).build())
                .build().start()) {
            assertNotEquals(server.localAddress("one").getPort(), server.localAddress("two").getPort());
            for (String name : new String[] {"one", "two"}) {
                try (LineClient c = new LineClient(server.localAddress(name))) {
                    assertEquals(name, c.send(name + "\r\n").readLine());
                }
            }
        }
    }

    @Test
    void ipv6LoopbackListenersWorkForTcpAndUdp() throws Exception {
        try (Server server = echoServer()
                .listener(ListenerConfig.tcp("echo").host("::1").port(0).build())
                .listener(ListenerConfig.udp("echo-udp").protocol("echo").host("::1").port(0).build())
                .build().start()) {
            InetSocketAddress tcp = server.localAddress("echo");
            assertEquals(InetAddress.getByName("::1"), tcp.getAddress());
            try (LineClient c = new LineClient(tcp)) {
                assertEquals("six", c.send("six\r\n").readLine());
            }
            assertArrayEquals(new byte[] {1, 2, 3}, udpRoundTrip(server.localAddress("echo-udp"), new byte[] {1, 2, 3}));
        }
    }

    @Test
    void wildcardAddressesBindAndAnswerOnLoopback() throws Exception {
        try (Server server = echoServer()
                .listener(ListenerConfig.tcp("v4").protocol("echo").host("0.0.0.0").port(0).build())
                .listener(ListenerConfig.tcp("v6").protocol("echo").host("::").port(0).build())
                .build().start()) {
            assertEquals(InetAddress.getByName("0.0.0.0"), server.localAddress("v4").getAddress());
            assertEquals(InetAddress.getByName("::"), server.localAddress("v6").getAddress());
            try (LineClient c = new LineClient(new InetSocketAddress("127.0.0.1", server.localAddress("v4").getPort()))) {
                assertEquals("any", c.send("any\r\n").readLine());
            }
            try (LineClient c = new LineClient(new InetSocketAddress("::1", server.localAddress("v6").getPort()))) {
                assertEquals("any6", c.send("any6\r\n").readLine());
            }
        }
    }

    @Test
    void aPortAlreadyInUseFailsWithOneLineNamingTheListenerAndAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Server server = echoServer()
                    .listener(ListenerConfig.tcp("free").protocol("echo").host("127.0.0.1").port(0).build())
                    .listener(ListenerConfig.tcp("smtp").protocol("echo").host("127.0.0.1").port(taken.getLocalPort()).build())
                    .build();
            BerthException e = assertThrows(BerthException.class, server::start);
            assertEquals("listener smtp: cannot bind tcp://127.0.0.1:" + taken.getLocalPort() + ": Address already in use",
                    e.getMessage());
            assertTrue(!e.getMessage().contains("\n"));
        }
    }

    @Test
    void anInvalidHostFailsNamingTheListener() {
        Server server = echoServer().listener(ListenerConfig.tcp("echo").host("999.1.1.1").port(0).build()).build();
        BerthException e = assertThrows(BerthException.class, server::start);
        assertEquals("listener echo: '999.1.1.1' is not a valid address", e.getMessage());
    }

    @Test
    void theReadyFileMapsEachListenerToItsTransportHostAndRealPort() throws Exception {
        Path ready = dir.resolve("ready.json");
        try (Server server = echoServer().readyFile(ready)
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1").port(0).build())
                .listener(ListenerConfig.udp("echo-udp").protocol("echo").host("::1").port(0).build())
                .build().start()) {
            String json = Files.readString(ready);
            assertEquals("{\n"
                    + "  \"echo\": {\"transport\": \"tcp\", \"host\": \"127.0.0.1\", \"port\": "
                    + server.localAddress("echo").getPort() + "},\n"
                    + "  \"echo-udp\": {\"transport\": \"udp\", \"host\": \"::1\", \"port\": "
                    + server.localAddress("echo-udp").getPort() + "}\n"
                    + "}\n", json);
            try (var files = Files.list(dir)) {
                assertEquals(1, files.count(), "no temporary file is left beside the ready file");
            }
        }
    }

    @Test
    void reusePortOnNioIsAClearStartUpError() {
        Server server = echoServer().ioTransport(IoTransport.NIO)
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1").port(0).reusePort(true).build()).build();
        BerthException e = assertThrows(BerthException.class, server::start);
        assertEquals("listener echo: SO_REUSEPORT needs the epoll or io-uring transport, and this server runs on nio",
                e.getMessage());
    }

    @Test
    void reusePortOnEpollLetsTwoServersShareOnePort() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.netty.channel.epoll.Epoll.isAvailable(),
                "epoll is not available on this machine");
        try (Server first = echoServer().ioTransport(IoTransport.EPOLL)
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1").port(0).reusePort(true).build()).build().start()) {
            int port = first.localAddress("echo").getPort();
            try (Server second = echoServer().ioTransport(IoTransport.EPOLL)
                    .listener(ListenerConfig.tcp("echo").host("127.0.0.1").port(port).reusePort(true).build())
                    .build().start()) {
                assertEquals(port, second.localAddress("echo").getPort());
                assertEquals(IoTransport.EPOLL, second.ioTransport());
                try (LineClient c = new LineClient(new InetSocketAddress("127.0.0.1", port))) {
                    assertEquals("shared", c.send("shared\r\n").readLine());
                }
            }
        }
    }

    @Test
    void theNioTransportCanBeForced() throws Exception {
        try (Server server = echoServer().ioTransport(IoTransport.NIO)
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1").port(0).build()).build().start()) {
            assertEquals(IoTransport.NIO, server.ioTransport());
            try (LineClient c = new LineClient(server.localAddress("echo"))) {
                assertEquals("nio", c.send("nio\r\n").readLine());
            }
        }
    }

    @Test
    void ioUringCanBeForcedWhereTheKernelAllowsIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.netty.channel.uring.IoUring.isAvailable(),
                "io_uring is not available on this kernel");
        try (Server server = echoServer().ioTransport(IoTransport.IO_URING)
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1").port(0).build())
                .listener(ListenerConfig.udp("echo-udp").protocol("echo").host("127.0.0.1").port(0).build())
                .build().start()) {
            assertEquals(IoTransport.IO_URING, server.ioTransport());
            try (LineClient c = new LineClient(server.localAddress("echo"))) {
                assertEquals("ring", c.send("ring\r\n").readLine());
            }
            assertArrayEquals(new byte[] {9}, udpRoundTrip(server.localAddress("echo-udp"), new byte[] {9}));
        }
    }

    @Test
    void forcingAnEngineThatDoesNotLoadIsAClearError() {
        org.junit.jupiter.api.Assumptions.assumeFalse(io.netty.channel.uring.IoUring.isAvailable(),
                "io_uring loads here, so this error cannot happen");
        Server server = echoServer().ioTransport(IoTransport.IO_URING)
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1").port(0).build()).build();
        BerthException e = assertThrows(BerthException.class, server::start);
        assertTrue(e.getMessage().startsWith("--transport io-uring: io_uring is not available here"), e.getMessage());
    }

    @Test
    void anOversizedDatagramIsDroppedAndCountedNotTruncated() throws Exception {
        try (Server server = echoServer()
                .listener(ListenerConfig.udp("echo-udp").protocol("echo").host("127.0.0.1").port(0)
                        .limits(Limits.DEFAULTS.withMaxDatagramSize(100)).build())
                .build().start()) {
            InetSocketAddress udp = server.localAddress("echo-udp");
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
                s.setSoTimeout(500);
                byte[] big = new byte[101];
                s.send(new DatagramPacket(big, big.length, udp));
                byte[] ok = new byte[100];
                Arrays.fill(ok, (byte) 7);
                s.send(new DatagramPacket(ok, ok.length, udp));
                DatagramPacket in = new DatagramPacket(new byte[2000], 2000);
                s.setSoTimeout(5000);
                s.receive(in);
                assertEquals(100, in.getLength(), "only the datagram within the limit comes back");
            }
            assertEquals(1, server.droppedDatagrams("echo-udp"));
        }
    }

    static byte[] udpRoundTrip(InetSocketAddress to, byte[] data) throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, to.getAddress())) {
            s.setSoTimeout(5000);
            s.send(new DatagramPacket(data, data.length, to));
            DatagramPacket in = new DatagramPacket(new byte[65536], 65536);
            s.receive(in);
            return Arrays.copyOf(in.getData(), in.getLength());
        }
    }
}
