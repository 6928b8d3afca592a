package dev.berth.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bounded queue between the event loop and a message handler's reads. */
class MessageStreamTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void oneReadTakesEveryQueuedLineItHasRoomFor() throws IOException {
        MessageStream stream = new MessageStream(() -> { });
        stream.offer(ascii("Subject: a\r\n"));
        stream.offer(ascii("\r\n"));
        stream.offer(ascii("body\r\n"));
        byte[] buf = new byte[64];
        int n = stream.read(buf, 0, buf.length);
        assertEquals("Subject: a\r\n\r\nbody\r\n", new String(buf, 0, n, StandardCharsets.US_ASCII));
    }

    @Test
    void aShortBufferIsFilledAndTheRestComesNext() throws IOException {
        MessageStream stream = new MessageStream(() -> { });
        stream.offer(ascii("abcdef"));
        stream.offer(ascii("ghij"));
        stream.finish();
        byte[] buf = new byte[4];
        assertEquals(4, stream.read(buf, 0, 4));
        assertArrayEquals(ascii("abcd"), buf);
        assertEquals(4, stream.read(buf, 0, 4));
        assertArrayEquals(ascii("efgh"), buf);
        assertEquals(2, stream.read(buf, 0, 4));
        assertArrayEquals(ascii("ij"), Arrays.copyOf(buf, 2));
        assertEquals(-1, stream.read(buf, 0, 4));
    }

    @Test
    void aFullQueueSaysSoAndCallsBackOnceTheReaderHasDrainedIt() throws IOException {
        AtomicInteger room = new AtomicInteger();
        MessageStream stream = new MessageStream(room::incrementAndGet);
        byte[] piece = new byte[32 * 1024];
        boolean accepted = true;
        int offered = 0;
        while (accepted && offered < 100) {
            accepted = stream.offer(piece);
            offered++;
        }
        assertFalse(accepted, "the queue refuses more above its high mark");
        byte[] buf = new byte[16 * 1024];
        long read = 0;
        while (room.get() == 0 && read < (long) offered * piece.length) {
            read += stream.read(buf, 0, buf.length);
        }
        assertEquals(1, room.get(), "the producer is told once there is room again");
        assertTrue(read < (long) offered * piece.length, "before the queue is empty");
    }

    @Test
    void anAbortedMessageFailsTheNextRead() {
        MessageStream stream = new MessageStream(() -> { });
        stream.offer(ascii("line\r\n"));
        stream.abort("larger than 10 octets");
        IOException e = assertThrows(IOException.class, () -> stream.read(new byte[8], 0, 8));
        assertEquals("message refused: larger than 10 octets", e.getMessage());
    }
}
