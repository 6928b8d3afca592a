package dev.berth.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.core.Limits;
import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.Transport;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ProtocolModule;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that writes fast and reads nothing: the server must stop reading once its unsent echo
 * passes the high watermark, instead of buffering everything the client sends.
 */
@Timeout(90)
class EchoBackpressureTest {
    private static final int LOW = 16 * 1024;
    private static final int HIGH = 32 * 1024;
    /** One read that was already under way when the watermark was crossed (Netty reads at most 64 KiB at once). */
    private static final int ONE_READ = 64 * 1024;
    /** Netty counts a small fixed overhead per queued buffer into the pending bytes. */
    private static final int BOOKKEEPING = 4 * 1024;
    /** Far more than every socket buffer on the way can hold, so a server that kept reading would show it. */
    private static final long CLIENT_WRITES_AT_MOST = 64L << 20;

    @TempDir
    Path dir;

    private Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aClientThatWritesFastAndReadsNothingMakesTheServerStopReadingWithItsBufferBounded() throws Exception {
        ObservedEcho echo = new ObservedEcho();
        server = Server.builder().dataDirectory(dir).module(echo)
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1")
                        .limits(Limits.DEFAULTS.withWriteBuffer(LOW, HIGH)).build())
                .build().start();
        InetSocketAddress address = server.localAddress("echo");
        try (SocketChannel client = SocketChannel.open()) {
            client.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
            client.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
            client.connect(address);
            client.configureBlocking(false);
            Channel served = echo.channels.poll(30, TimeUnit.SECONDS);

            // Phase 1: write, never read, until the client's socket takes no more and the server has paused.
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            long written = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                chunk.clear();
                fill(chunk, written);
                int n = client.write(chunk);
                written += n;
                long pending = pendingOutput(served);
                assertTrue(pending <= HIGH + ONE_READ + BOOKKEEPING, "the server buffered " + pending
                        + " bytes of echo after the client wrote " + written);
                if (n == 0 && isPaused(served)) {
                    break;
                }
                if (written >= CLIENT_WRITES_AT_MOST || System.nanoTime() > deadline) {
                    fail("the server kept reading: the client wrote " + written + " bytes without reading, "
                            + "and the server still has autoRead on with " + pending + " bytes unsent");
                }
                if (n == 0) {
                    Thread.sleep(5);
                }
            }
            assertFalse(served.isWritable());
            assertEquals(0, served.bytesBeforeUnwritable());

            // Phase 2: the client reads; the server resumes, and every byte comes back in order.
            client.configureBlocking(true);
            client.shutdownOutput();
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
            assertEquals(written, read, "the whole echo came back before the server closed");
        }
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

    /** The unsent echo, read on the channel's own event loop. */
    private static long pendingOutput(Channel ch) throws Exception {
        return ch.eventLoop().submit(() -> ch.unsafe().outboundBuffer() == null ? 0
                : ch.unsafe().outboundBuffer().totalPendingWriteBytes()).get(10, TimeUnit.SECONDS);
    }

    private static boolean isPaused(Channel ch) throws Exception {
        return ch.eventLoop().submit(() -> !ch.config().isAutoRead()).get(10, TimeUnit.SECONDS);
    }

    /** The echo module, with small socket buffers on the server side so that the watermark is reached soon. */
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
            connection.channel().config().setOption(ChannelOption.SO_RCVBUF, 16 * 1024);
            echo.initPipeline(pipeline, connection);
            channels.add(connection.channel());
        }
    }
}
