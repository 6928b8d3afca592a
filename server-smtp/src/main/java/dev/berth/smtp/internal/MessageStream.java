package dev.berth.smtp.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;

/**
 * The message content on its way from the event loop (which {@link #offer}s pieces) to a handler on
 * the blocking executor (which reads). Bounded: {@code offer} answers false above the high mark, and
 * the reader calls {@code onRoom} once it has read the queue below the low mark, so the session can
 * stop and restart reading from the socket.
 */
public final class MessageStream extends InputStream {
    private static final int HIGH_MARK = 256 * 1024;
    private static final int LOW_MARK = 64 * 1024;

    private final ArrayDeque<byte[]> pieces = new ArrayDeque<>();
    private final Runnable onRoom;
    private byte[] current;
    private int position;
    private long queued;
    private boolean finished;
    private boolean readerGone;
    private boolean producerWaiting;
    private String abortReason;

    /** A stream whose reader calls {@code onRoom} (from its own thread) when a full queue has drained. */
    public MessageStream(Runnable onRoom) {
        this.onRoom = onRoom;
    }

    /** Adds a piece; false when the queue is full and the producer should pause until {@code onRoom}. */
    public synchronized boolean offer(byte[] piece) {
        if (readerGone || finished || abortReason != null) {
            return true; // nobody will read it: drop
        }
        pieces.add(piece);
        queued += piece.length;
        notifyAll();
        if (queued > HIGH_MARK) {
            producerWaiting = true;
            return false;
        }
        return true;
    }

    /** The message is complete: the reader sees end of stream after the queued pieces. */
    public synchronized void finish() {
        finished = true;
        notifyAll();
    }

    /** The message is refused: the reader's next read throws with {@code reason}. */
    public synchronized void abort(String reason) {
        if (!finished) {
            abortReason = reason;
            pieces.clear();
            current = null;
            notifyAll();
        }
    }

    /** The reader has returned: later pieces are dropped. */
    public synchronized void readerGone() {
        readerGone = true;
        pieces.clear();
        current = null;
        notifyAll();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    /**
     * Reads what is queued, up to {@code len} octets and across as many pieces as are there (pieces are
     * often single lines, and a reader that writes what each read returns should not pay a system call
     * per line); blocks only while nothing at all is queued.
     */
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        boolean signal = false;
        int n = 0;
        synchronized (this) {
            while (true) {
                if (abortReason != null) {
                    throw new IOException("message refused: " + abortReason);
                }
                if (current != null && position < current.length) {
                    break;
                }
                current = pieces.poll();
                position = 0;
                if (current != null) {
                    continue;
                }
                if (finished) {
                    return -1;
                }
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for message content", e);
                }
            }
            while (n < len) {
                if (position == current.length) {
                    byte[] next = pieces.poll();
                    if (next == null) {
                        break;
                    }
                    current = next;
                    position = 0;
                }
                int k = Math.min(len - n, current.length - position);
                System.arraycopy(current, position, b, off + n, k);
                position += k;
                n += k;
            }
            queued -= n;
            if (producerWaiting && queued < LOW_MARK) {
                producerWaiting = false;
                signal = true;
            }
        }
        if (signal) {
            onRoom.run();
        }
        return n;
    }
}
