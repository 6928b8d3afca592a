package dev.berth.http.internal;

import dev.berth.core.spi.ReadPause;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;

/**
 * A request body handed to a streaming handler as it arrives: the event loop offers chunks, the
 * handler reads them on a worker thread. Reading from the connection pauses while more than a
 * window of bytes waits unread, so a slow handler never makes the server buffer without bound.
 */
final class StreamingBody extends InputStream {
    private static final int PAUSE_ABOVE = 256 * 1024;
    private static final int RESUME_BELOW = 64 * 1024;

    private final Channel channel;
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private byte[] current;
    private int position;
    private long buffered;
    private boolean ended;
    private IOException failure;
    private boolean paused;

    StreamingBody(Channel channel) {
        this.channel = channel;
    }

    /** Called on the event loop with the next bytes of the body. */
    synchronized void offer(byte[] bytes) {
        if (ended || failure != null) {
            return;
        }
        chunks.add(bytes);
        buffered += bytes.length;
        if (buffered > PAUSE_ABOVE && !paused) {
            paused = true;
            ReadPause.pause(channel, this);
        }
        notifyAll();
    }

    /** Called on the event loop when the body is complete. */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    /** Called when the body cannot complete (the connection closed, a limit was hit). */
    synchronized void fail(String why) {
        if (!ended) {
            failure = new IOException(why);
        }
        notifyAll();
    }

    @Override
    public synchronized int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (current == null || position == current.length) {
            current = chunks.poll();
            position = 0;
            if (current != null) {
                continue;
            }
            if (failure != null) {
                throw failure;
            }
            if (ended) {
                return -1;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the request body", e);
            }
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        buffered -= n;
        if (paused && buffered < RESUME_BELOW) {
            paused = false;
            channel.eventLoop().execute(() -> ReadPause.resume(channel, this));
        }
        return n;
    }

    @Override
    public synchronized int available() {
        return (int) Math.min(Integer.MAX_VALUE, buffered);
    }
}
