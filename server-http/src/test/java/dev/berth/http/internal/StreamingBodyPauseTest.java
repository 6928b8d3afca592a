package dev.berth.http.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.spi.ReadPause;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** A streaming body holds reading off through {@link ReadPause}, so core's backpressure cannot resume under it. */
class StreamingBodyPauseTest {
    @Test
    void backpressureResumingDoesNotUndoTheBodysPauseAndReadingResumesOnceTheHandlerCatchesUp() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        StreamingBody body = new StreamingBody(channel);
        body.offer(new byte[300 * 1024]);
        assertFalse(channel.config().isAutoRead(), "more than the window unread pauses reading");

        // what core's IdleBackpressureHandler does when the channel becomes unwritable, then writable again
        ReadPause.pause(channel, "unwritable");
        ReadPause.resume(channel, "unwritable");
        assertFalse(channel.config().isAutoRead(), "the body's own reason still holds reading off");

        byte[] sink = new byte[300 * 1024];
        int read = 0;
        while (read < sink.length) {
            read += body.read(sink, read, sink.length - read);
        }
        channel.runPendingTasks();
        assertTrue(channel.config().isAutoRead(), "reading resumes once the handler has read the window down");
        channel.finishAndReleaseAll();
    }
}
