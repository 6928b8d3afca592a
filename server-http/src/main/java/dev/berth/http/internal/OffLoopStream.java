package dev.berth.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A response body from an {@link InputStream} that is read on the blocking pool, never on the event
 * loop: a few chunks are read ahead, the writer takes them as they come and is woken when the next is
 * ready, so a slow stream delays only its own response.
 */
final class OffLoopStream implements ChunkedInput<ByteBuf> {
    private static final int READ_AHEAD = 4;

    private final InputStream in;
    private final int chunkSize;
    private final Executor executor;
    private final Runnable wake;
    private final ArrayDeque<byte[]> ready = new ArrayDeque<>();
    private boolean reading;
    private boolean ended;
    private boolean closed;
    private Exception failure;
    private long progress;

    /** {@code wake} is called (from any thread) when a chunk or the end becomes available. */
    OffLoopStream(InputStream in, int chunkSize, Executor executor, Runnable wake) {
        this.in = in;
        this.chunkSize = chunkSize;
        this.executor = executor;
        this.wake = wake;
    }

    @Override
    public synchronized boolean isEndOfInput() throws Exception {
        if (failure != null) {
            throw failure;
        }
        readAheadIfRoom();
        return ended && ready.isEmpty();
    }

    @Deprecated
    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) throws Exception {
        return readChunk(ctx.alloc());
    }

    @Override
    public synchronized ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
        if (failure != null) {
            throw failure;
        }
        byte[] next = ready.poll();
        readAheadIfRoom();
        if (next == null) {
            return null; // the writer waits for wake
        }
        progress += next.length;
        return Unpooled.wrappedBuffer(next);
    }

    @Override
    public long length() {
        return -1;
    }

    @Override
    public synchronized long progress() {
        return progress;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            ready.clear();
            if (reading) {
                return; // the reader closes the stream when its read returns
            }
        }
        closeQuietly();
    }

    private void readAheadIfRoom() {
        if (reading || ended || closed || failure != null || ready.size() >= READ_AHEAD) {
            return;
        }
        reading = true;
        try {
            executor.execute(this::readAhead);
        } catch (RejectedExecutionException e) {
            reading = false;
            failure = new IOException("the server is stopping; the response body cannot be read", e);
        }
    }

    private void readAhead() {
        while (true) {
            byte[] buf = new byte[chunkSize];
            int n;
            Exception error = null;
            try {
                n = in.read(buf);
            } catch (IOException | RuntimeException e) {
                n = -1;
                error = e;
            }
            boolean more;
            boolean close;
            synchronized (this) {
                if (error != null) {
                    failure = error;
                } else if (n < 0) {
                    ended = true;
                } else if (n > 0 && !closed) {
                    ready.add(n == buf.length ? buf : Arrays.copyOf(buf, n));
                }
                more = failure == null && !ended && !closed && ready.size() < READ_AHEAD;
                reading = more;
                close = closed;
            }
            if (close) {
                closeQuietly();
                return;
            }
            wake.run();
            if (!more) {
                return;
            }
        }
    }

    private void closeQuietly() {
        try {
            in.close();
        } catch (IOException ignored) {
            // the body is finished or abandoned either way
        }
    }
}
