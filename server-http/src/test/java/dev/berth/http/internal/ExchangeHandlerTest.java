package dev.berth.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.spi.Drain;
import dev.berth.http.HttpLimits;
import dev.berth.http.HttpResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP/1.1 exchange handler on an {@link EmbeddedChannel} with a mock clock: answers written during a
 * read batch go out in one flush at its end, late answers at once, and the keep-alive timeout runs from the
 * moment the connection last fell idle.
 */
class ExchangeHandlerTest {
    private final MockTicker ticker = Ticker.newMockTicker();
    private final CompletableFuture<HttpResponse> late = new CompletableFuture<>();
    @TempDir
    Path dir;
    private Path file;

    private EmbeddedChannel connection(HttpLimits limits) {
        Router router = new Router();
        router.add("GET", "/n/{n}", HttpService.onEventLoop(r -> HttpResponse.text("<" + r.pathParameter("n") + ">")));
        router.add("GET", "/late", r -> late);
        router.add("GET", "/file", HttpService.onEventLoop(r -> HttpResponse.file(file)));
        router.add("POST", "/upload", HttpService.onEventLoop(r -> HttpResponse.text("got " + r.body().length)));
        // a streaming route whose handler answers at once, before the body has arrived
        router.add("POST", "/early", r -> CompletableFuture.completedFuture(HttpResponse.text("early")), true);
        HttpService service = new HttpService(router, r -> CompletableFuture.completedFuture(HttpResponse.empty(404)),
                limits, null, false, null, "https");
        EmbeddedChannel channel = EmbeddedChannel.builder().ticker(ticker)
                .handlers(new ChannelHandlerAdapter() { }).build();
        HttpPipelines.http1(channel.pipeline(), channel.pipeline().firstContext().name(), service,
                TestConnections.plaintext(channel));
        return channel;
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    /** Everything flushed so far, as text. */
    private static String written(EmbeddedChannel channel) {
        StringBuilder out = new StringBuilder();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    @Test
    void pipelinedAnswersOfOneReadBatchAreFlushedTogetherWhenTheBatchEnds() {
        EmbeddedChannel channel = connection(HttpLimits.DEFAULTS);
        channel.pipeline().fireChannelRead(bytes(get("/n/1") + get("/n/2") + get("/n/3")));
        assertEquals("", written(channel), "nothing flushed before the read batch ends");

        channel.pipeline().fireChannelReadComplete();
        String all = written(channel);
        assertEquals(3, all.split("HTTP/1\\.1 200 OK", -1).length - 1, all);
        assertTrue(all.indexOf("<1>") < all.indexOf("<2>") && all.indexOf("<2>") < all.indexOf("<3>"), all);
        assertTrue(all.endsWith("<3>"), all);
        assertTrue(channel.isOpen());
        channel.finishAndReleaseAll();
    }

    @Test
    void anAnswerCompletedAfterTheReadBatchIsFlushedAtOnce() {
        EmbeddedChannel channel = connection(HttpLimits.DEFAULTS);
        channel.writeInbound(bytes(get("/late")));
        assertEquals("", written(channel));

        late.complete(HttpResponse.text("at last"));
        channel.runPendingTasks();
        String answer = written(channel);
        assertTrue(answer.startsWith("HTTP/1.1 200 OK") && answer.endsWith("at last"), answer);
        channel.finishAndReleaseAll();
    }

    @Test
    void anAnswerThatClosesTheConnectionIsFlushedBeforeTheClose() {
        EmbeddedChannel channel = connection(HttpLimits.DEFAULTS);
        channel.pipeline().fireChannelRead(bytes("GET /n/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        assertTrue(channel.isOpen(), "the answer is still owed a flush");
        channel.pipeline().fireChannelReadComplete();
        String answer = written(channel);
        assertTrue(answer.contains("connection: close") && answer.endsWith("<1>"), answer);
        assertFalse(channel.isOpen());
        channel.finishAndReleaseAll();
    }

    @Test
    void theKeepAliveTimeoutCountsFromTheLastAnswerNotFromTheFirst() {
        EmbeddedChannel channel = connection(HttpLimits.DEFAULTS.withKeepAliveTimeout(Duration.ofSeconds(1)));
        ticker.advance(600, TimeUnit.MILLISECONDS);
        channel.writeInbound(bytes(get("/n/1")));
        assertTrue(written(channel).endsWith("<1>"));

        ticker.advance(600, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen(), "idle for 0.6 s of the 1 s");
        ticker.advance(300, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen(), "idle for 0.9 s of the 1 s");
        ticker.advance(200, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen(), "idle for 1.1 s");
        channel.finishAndReleaseAll();
    }

    @Test
    void requestsLeaveTheOneKeepAliveTimerWhereItWasInsteadOfReschedulingIt() {
        EmbeddedChannel channel = connection(HttpLimits.DEFAULTS.withKeepAliveTimeout(Duration.ofSeconds(1)));
        ticker.advance(600, TimeUnit.MILLISECONDS);
        for (int i = 0; i < 10; i++) {
            channel.writeInbound(bytes(get("/n/" + i)));
        }
        assertTrue(written(channel).endsWith("<9>"));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(400), channel.runScheduledPendingTasks(),
                "the timer armed when the connection opened is the next task, still due at 1 s");
        channel.finishAndReleaseAll();
    }

    @Test
    void theKeepAliveTimeoutDoesNotCloseAConnectionWhileARequestBodyIsArriving() {
        EmbeddedChannel channel = connection(HttpLimits.DEFAULTS.withKeepAliveTimeout(Duration.ofSeconds(1))
                .withBodyTimeout(Duration.ofSeconds(30)));
        channel.writeInbound(bytes("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab"));
        for (int i = 0; i < 5; i++) {
            ticker.advance(500, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
            assertTrue(channel.isOpen(), "a body is still arriving after " + (i + 1) * 500 + " ms");
        }
        channel.writeInbound(bytes("cd"));
        assertTrue(written(channel).endsWith("got 4"));

        ticker.advance(1100, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen(), "idle for longer than the timeout once answered");
        channel.finishAndReleaseAll();
    }

    @Test
    void afterAnEarlyAnswerTheKeepAliveTimeoutRunsFromTheBodysEndNotFromTheAnswer() {
        EmbeddedChannel channel = connection(HttpLimits.DEFAULTS.withKeepAliveTimeout(Duration.ofSeconds(1))
                .withBodyTimeout(Duration.ofSeconds(30)));
        ticker.advance(100, TimeUnit.MILLISECONDS); // not at the mock clock's zero
        channel.runScheduledPendingTasks();
        channel.writeInbound(bytes("POST /early HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab"));
        channel.runPendingTasks();
        assertTrue(written(channel).endsWith("early"), "the handler answered before the body ended");

        for (int i = 0; i < 9; i++) { // 1.8 s with the body still arriving: the timer finds the connection busy
            ticker.advance(200, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
            assertTrue(channel.isOpen(), "a body is still arriving");
        }
        channel.writeInbound(bytes("cd")); // the body ends at 1.9 s, 1.8 s after the answer: idle from here
        channel.runPendingTasks();
        ticker.advance(300, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen(), "closed 0.3 s after the body ended: the timeout ran from the answer, 2.1 s before");
        ticker.advance(800, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen(), "idle for 1.1 s after the body ended");
        channel.finishAndReleaseAll();
    }

    @Test
    void aConnectionThatNeverSendsARequestIsClosedAtTheKeepAliveTimeout() {
        EmbeddedChannel channel = connection(HttpLimits.DEFAULTS.withKeepAliveTimeout(Duration.ofSeconds(1)));
        ticker.advance(999, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen());
        ticker.advance(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen());
        assertNull(channel.readOutbound());
        channel.finishAndReleaseAll();
    }

    @Test
    void whatTheConnectionHasInFlightIsDescribedForTheDrainReportAndNothingOnceIdle() {
        EmbeddedChannel channel = connection(HttpLimits.DEFAULTS);
        java.util.function.Supplier<String> inFlight = channel.attr(Drain.IN_FLIGHT).get();
        assertNull(inFlight.get(), "an idle connection has nothing in flight");
        channel.writeInbound(bytes(get("/late") + "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n1234"));
        assertEquals("GET /late: not answered yet, POST /upload: 4 bytes of its body received", inFlight.get());
        late.complete(HttpResponse.text("done"));
        channel.writeInbound(bytes("567890"));
        assertTrue(written(channel).endsWith("got 10"));
        assertNull(inFlight.get(), "both answers written whole");
        channel.finishAndReleaseAll();
    }

    /** The pipeline's handler types from the first to the exchange handler, the last. */
    private static java.util.List<Class<?>> upToExchange(EmbeddedChannel channel) {
        java.util.List<Class<?>> types = new java.util.ArrayList<>();
        for (java.util.Map.Entry<String, ChannelHandler> e : channel.pipeline()) {
            types.add(e.getValue().getClass());
        }
        return types;
    }

    @Test
    void theBodyCounterAndChunkedWriterArePlacedBeforeTheExchangeAtTheFirstFileAnswerOnly() throws Exception {
        file = Files.write(dir.resolve("page.bin"), new byte[3000]);
        EmbeddedChannel channel = connection(HttpLimits.DEFAULTS);
        channel.writeInbound(bytes(get("/n/1")));
        assertTrue(written(channel).endsWith("<1>"));
        assertNull(channel.pipeline().get(BodyCounter.class), "a one-message answer needs neither");
        assertNull(channel.pipeline().get(ChunkedWriteHandler.class));

        for (int i = 0; i < 2; i++) {
            channel.writeInbound(bytes(get("/file")));
            java.util.List<Class<?>> types = upToExchange(channel);
            int exchange = types.indexOf(ExchangeHandler.class);
            assertEquals(java.util.List.of(BodyCounter.class, ChunkedWriteHandler.class, ExchangeHandler.class),
                    types.subList(exchange - 2, exchange + 1), types.toString());
            assertEquals(1, types.stream().filter(BodyCounter.class::equals).count(), types.toString());
            Object head = channel.readOutbound();
            assertTrue(head instanceof ByteBuf && ((ByteBuf) head).toString(StandardCharsets.ISO_8859_1)
                    .contains("content-length: 3000"), String.valueOf(head));
            ((ByteBuf) head).release();
            Object body = channel.readOutbound();
            assertTrue(body instanceof FileRegion, String.valueOf(body));
            assertEquals(3000, ((FileRegion) body).count());
            ((FileRegion) body).release();
            written(channel);
        }
        channel.finishAndReleaseAll();
    }
}
