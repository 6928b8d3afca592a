package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.testing.LineClient;
import dev.berth.core.testing.TestModules;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GracefulStopTest {

    @Test
    void aStopLetsTheExchangeInFlightFinishAndRefusesNewConnections() throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        Server server = Server.builder().module(TestModules.slow(800, received))
                .listener(ListenerConfig.tcp("slow").host("127.0.0.1").port(0).build())
                .build().start();
        InetSocketAddress address = server.localAddress("slow");
        try (LineClient c = new LineClient(address)) {
            c.send("go\r\n");
            assertTrue(received.await(10, TimeUnit.SECONDS), "the request is in flight on the server");
            CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> server.stop(Duration.ofSeconds(10)));
            Thread.sleep(100);
            assertThrows(IOException.class, () -> new LineClient(address, 1000).close(), "no new connection is accepted");
            assertEquals("done", c.readLine(), "the answer in flight arrives");
            assertTrue(c.closedByServer(), "then the server closes the connection");
            assertTrue(stopped.get(10, TimeUnit.SECONDS), "every connection finished before the deadline");
        }
    }

    @Test
    void aStopClosesWhatIsStillOpenAtTheDeadline() throws Exception {
        Server server = Server.builder().module(TestModules.echo("echo"))
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1").port(0).build())
                .build().start();
        try (LineClient c = new LineClient(server.localAddress("echo"))) {
            assertEquals("x", c.send("x\n").readLine());
            long start = System.nanoTime();
            boolean clean = server.stop(Duration.ofMillis(300));
            assertTrue(!clean, "the echo connection ignores the drain, so it is cut at the deadline");
            assertTrue(c.closedByServer());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8));
        }
    }
}
