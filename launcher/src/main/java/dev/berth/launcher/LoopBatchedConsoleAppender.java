package dev.berth.launcher;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * Writes lines to standard output, gathering those logged on an event-loop thread until the end of that
 * loop's turn: the first line of a turn queues one task on the loop, which runs once the turn's I/O is
 * handled and writes every line gathered, in order, with one {@code write}. The HTTP access log's lines
 * go through it: one system call per line was a tenth of the event loop's time serving small files
 * (bench/README.md), as it is for nginx's unbuffered {@code access_log}; a busy loop now writes the 50 or
 * so lines of a turn at once.
 *
 * <p>Unlike nginx's {@code access_log ... buffer=}, a line never waits for more traffic: it is written
 * when the loop's turn ends, at most some milliseconds later, and a stop of the server writes what is
 * gathered (the loop runs its tasks before it ends, and {@link #stop()} writes what is left). A process
 * killed outright loses the lines of the turn in progress. Lines logged elsewhere than on an event loop
 * are written at once. Lines from different loops never interleave within a line: each write is whole
 * lines.
 */
final class LoopBatchedConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    /** Gathered bytes at which a turn's lines are written without waiting for its end. */
    static final int MAX_GATHERED = 64 * 1024;

    private Encoder<ILoggingEvent> encoder;
    /** The gathering of each event-loop thread that has logged through this appender. */
    private final ThreadLocal<Gathered> gathered = ThreadLocal.withInitial(this::register);
    private final Set<Gathered> all = ConcurrentHashMap.newKeySet();

    void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("no encoder for appender " + name);
            return;
        }
        super.start();
    }

    @Override
    public void stop() {
        for (Gathered g : all) {
            g.write();
        }
        super.stop();
    }

    @Override
    protected void append(ILoggingEvent event) {
        byte[] bytes = encoder.encode(event);
        EventExecutor loop = ThreadExecutorMap.currentExecutor();
        if (loop == null || !loop.inEventLoop() || loop.isShuttingDown()) {
            print(bytes, bytes.length);
            return;
        }
        gathered.get().add(bytes, loop);
    }

    private Gathered register() {
        Gathered g = new Gathered();
        all.add(g);
        return g;
    }

    /** Writes {@code n} bytes to the standard output of the moment (tests and embedders may have replaced it). */
    private static void print(byte[] bytes, int n) {
        PrintStream out = System.out;
        out.write(bytes, 0, n);
        out.flush();
    }

    /** One loop's lines of its current turn; used by its own thread, and at {@link #stop()}. */
    private final class Gathered implements Runnable {
        private byte[] buf = new byte[4096];
        private int size;
        private boolean queued;

        synchronized void add(byte[] bytes, EventExecutor loop) {
            if (size + bytes.length > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + bytes.length));
            }
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
            if (size >= MAX_GATHERED) {
                write();
            } else if (!queued) {
                try {
                    loop.execute(this);
                    queued = true;
                } catch (RejectedExecutionException stopping) {
                    write();
                }
            }
        }

        @Override
        public void run() {
            write();
        }

        synchronized void write() {
            queued = false;
            if (size > 0) {
                print(buf, size);
                size = 0;
            }
            if (buf.length > MAX_GATHERED) {
                // a burst grew it; do not hold the memory for good
                buf = new byte[4096];
            }
        }
    }
}
