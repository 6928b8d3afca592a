package dev.berth.http.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.spi.ReadPause;
import dev.berth.http.HttpLimits;
import dev.berth.http.HttpResponse;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1.1 pipelining holds reading off through {@link ReadPause} once as many requests as allowed await
 * answers, so core's backpressure resuming reading cannot let a client that never reads queue more.
 */
class PipelinePauseTest {
    @Test
    void aFullPipelineStaysPausedWhenBackpressureResumesAndResumesWhenAnswersGoOut() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxPipelined(4);
        List<CompletableFuture<HttpResponse>> pending = new java.util.ArrayList<>();
        Router router = new Router();
        router.add("GET", "/", r -> {
            CompletableFuture<HttpResponse> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        });
        HttpService service = new HttpService(router, r -> CompletableFuture.completedFuture(HttpResponse.empty(404)),
                limits, null, false, null, "https");
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelHandlerAdapter() { });
        HttpPipelines.http1(channel.pipeline(), channel.pipeline().firstContext().name(), service, TestConnections.plaintext(channel));

        channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n".repeat(4), StandardCharsets.US_ASCII));
        assertFalse(channel.config().isAutoRead(), "four answers owed: reading stops");

        // what core's IdleBackpressureHandler does when the channel turns unwritable, then writable again
        ReadPause.pause(channel, "unwritable");
        ReadPause.resume(channel, "unwritable");
        assertFalse(channel.config().isAutoRead(), "the pipeline's own reason still holds reading off");

        pending.get(0).complete(HttpResponse.text("one"));
        channel.runPendingTasks();
        assertTrue(channel.config().isAutoRead(), "an answer written: room for another request");
        channel.finishAndReleaseAll();
    }
}
