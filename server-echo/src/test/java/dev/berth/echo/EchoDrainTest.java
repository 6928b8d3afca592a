package dev.berth.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.core.Limits;
import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.Transport;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.Drain;
import dev.berth.core.spi.ProtocolModule;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graceful stop of the TCP echo over real sockets: what was read is echoed before the close, a
 * client that already ended its side gets its whole echo, and the deadline cuts a client that does
 * not read, saying how much echo was left.
 */
@Timeout(90)
class EchoDrainTest {
    private static final Pattern IN_FLIGHT = Pattern.compile("echo: (\\d+) bytes read, about (\\d+) of them echoed");

    @TempDir
    Path dir;

    private Server server;
    private final ObservedEcho echo = new ObservedEcho();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    private void start(Limits limits) {
        server = Server.builder().dataDirectory(dir).module(echo)
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1").limits(limits).build())
                .build().start();
    }

    private SocketChannel connect() throws IOException {
        SocketChannel client = SocketChannel.open();
        client.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
        client.connect(server.localAddress("echo"));
        return client;
    }

    @Test
    void whatWasReadBeforeTheDrainIsEchoedThenTheServerEndsItsSideWithoutAReset() throws Exception {
        start(Limits.DEFAULTS);
        try (SocketChannel client = connect()) {
            Channel served = echo.channels.poll(30, TimeUnit.SECONDS);
            assertNull(describe(served), "an echo with nothing queued is idle");
            long written = writeUntilTheServerPauses(client, served, Long.MAX_VALUE);
            Matcher m = IN_FLIGHT.matcher(String.valueOf(describe(served)));
            assertTrue(m.matches(), "the drain deadline would log: " + describe(served));
            long readByServer = Long.parseLong(m.group(1));
            assertTrue(Long.parseLong(m.group(2)) < readByServer, "some of the echo is still queued");

            CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> server.stop(Duration.ofSeconds(30)));
            long received = readToTheEnd(client);
            assertTrue(received >= readByServer, "echoed " + received + " of the " + readByServer + " bytes read");
            assertTrue(received <= written);
            // The server ended its side; the connection closes once the client ends its own.
            client.shutdownOutput();
            assertTrue(stopped.get(40, TimeUnit.SECONDS), "the connection closed within the deadline");
        }
    }

    @Test
    void anEchoThatCaughtUpKeepsNoCountForTheDrainReportSoAnIdleConnectionCarriesNone() throws Exception {
        start(Limits.DEFAULTS);
        try (SocketChannel client = connect()) {
            Channel served = echo.channels.poll(30, TimeUnit.SECONDS);
            client.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            ByteBuffer back = ByteBuffer.allocate(3);
            while (back.hasRemaining() && client.read(back) >= 0) {
                // until the whole echo is back
            }
            assertFalse(back.hasRemaining(), "the echo came back");
            assertNull(served.eventLoop().submit(() -> Drain.inFlight(served)).get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aClientThatEndedItsSideGetsItsWholeEchoThroughTheDrain() throws Exception {
        // The watermark is above what the client sends, so the server reads all of it and the FIN.
        start(Limits.DEFAULTS.withWriteBuffer(4 << 20, 8 << 20));
        int size = 2 << 20;
        try (SocketChannel client = connect()) {
            Channel served = echo.channels.poll(30, TimeUnit.SECONDS);
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                try {
                    ByteBuffer all = ByteBuffer.allocate(size);
                    fill(all, 0);
                    while (all.hasRemaining()) {
                        client.write(all);
                    }
                    client.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            sender.get(30, TimeUnit.SECONDS);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!served.eventLoop().submit(() -> served.pipeline().get(EchoModule.HANDLER) == null).get()) {
                assertTrue(System.nanoTime() < end, "the server never saw the client's FIN");
                Thread.sleep(10);
            }
            assertNotNull(describe(served), "echo still queued when the stop begins");

            CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> server.stop(Duration.ofSeconds(30)));
            assertEquals(size, readToTheEnd(client));
            assertTrue(stopped.get(40, TimeUnit.SECONDS));
        }
    }

    @Test
    void aClientThatReadsNothingIsCutAtTheDeadline() throws Exception {
        start(Limits.DEFAULTS);
        try (SocketChannel client = connect()) {
            Channel served = echo.channels.poll(30, TimeUnit.SECONDS);
            writeUntilTheServerPauses(client, served, Long.MAX_VALUE);
            assertFalse(server.stop(Duration.ofMillis(300)), "the deadline cut the connection");
            assertFalse(served.isOpen());
        }
    }

    /** Writes a pattern without reading until the server has stopped reading (its echo queue is full). */
    private static long writeUntilTheServerPauses(SocketChannel client, Channel served, long max) throws Exception {
        client.configureBlocking(false);
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long written = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (written < max) {
            chunk.clear();
            fill(chunk, written);
            int n = client.write(chunk);
            written += n;
            if (n == 0 && served.eventLoop().submit(() -> !served.config().isAutoRead()).get(10, TimeUnit.SECONDS)) {
                break;
            }
            if (System.nanoTime() > deadline) {
                fail("the server never paused");
            }
            if (n == 0) {
                Thread.sleep(5);
            }
        }
        client.configureBlocking(true);
        return written;
    }

    /** Reads and checks the echo until the server closes; returns how many bytes came back. */
    private static long readToTheEnd(SocketChannel client) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        long read = 0;
        for (int n; (n = client.read(in)) >= 0; ) {
            in.flip();
            for (int i = 0; i < n; i++, read++) {
                if (in.get() != patternAt(read)) {
                    fail("byte " + read + " of the echo differs from what was sent");
                }
            }
            in.clear();
        }
        return read;
    }

    /** What the connection tells a drain deadline, asked on its event loop as the server asks. */
    private static String describe(Channel ch) throws Exception {
        return ch.eventLoop().submit(() -> {
            Supplier<String> d = Drain.inFlight(ch);
            return d == null ? null : d.get();
        }).get(10, TimeUnit.SECONDS);
    }

    private static void fill(ByteBuffer b, long offset) {
        for (int i = 0; b.hasRemaining(); i++) {
            b.put(patternAt(offset + i));
        }
        b.flip();
    }

    private static byte patternAt(long offset) {
        return (byte) (offset * 31 + (offset >>> 10));
    }

    /** The echo module, with small server socket buffers so that echo stays queued in the server. */
    private static final class ObservedEcho implements ProtocolModule {
        final BlockingQueue<Channel> channels = new LinkedBlockingQueue<>();
        private final EchoModule echo = new EchoModule();

        @Override
        public String name() {
            return echo.name();
        }

        @Override
        public Set<Transport> transports() {
            return echo.transports();
        }

        @Override
        public void initPipeline(ChannelPipeline pipeline, ConnectionContext connection) {
            connection.channel().config().setOption(ChannelOption.SO_SNDBUF, 16 * 1024);
            echo.initPipeline(pipeline, connection);
            channels.add(connection.channel());
        }
    }
}
