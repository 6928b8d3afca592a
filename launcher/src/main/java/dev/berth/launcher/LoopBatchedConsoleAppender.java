package dev.berth.launcher;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.io.PrintStream;
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
 * when the loop's turn ends, at most some milliseconds later. A graceful stop loses nothing: a loop runs
 * its queued tasks before it ends, a line logged once its loop is shutting down is written at once
 * (after the lines gathered before it), and {@link #stop()} writes what is left (for an application that
 * stops its logging; the launcher's loops have written everything by then). A process killed outright
 * loses the lines of the turn in progress. Lines logged elsewhere than on an event loop are written at
 * once, so they may come out ahead of a loop's lines logged earlier. Each write is whole lines: lines of
 * different loops never mix within a line.
 *
 * <p>It finds the loop of the current thread through Netty's {@code ThreadExecutorMap}, an internal class
 * (public, used by Netty's own executors): to be checked again on a Netty upgrade; should it stop
 * answering, lines are written one by one as before, never lost.
 */
final class LoopBatchedConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    /** Gathered bytes past which a turn's lines are written without waiting for its end. */
    static final int MAX_GATHERED = 64 * 1024;

    private Encoder<ILoggingEvent> encoder;
    /** The gathering of each event-loop thread that has logged through this appender. */
    private final ThreadLocal<Gathered> gathered = new ThreadLocal<>();
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

    /** Loops whose lines are gathered now (tests). */
    int gatheringLoops() {
        return all.size();
    }

    @Override
    protected void append(ILoggingEvent event) {
        byte[] bytes = encoder.encode(event);
        EventExecutor loop = ThreadExecutorMap.currentExecutor();
        if (loop == null || !loop.inEventLoop()) {
            print(bytes, bytes.length);
            return;
        }
        Gathered g = gathered.get();
        if (g == null) {
            if (loop.isShuttingDown()) {
                print(bytes, bytes.length);
                return;
            }
            g = new Gathered();
            gathered.set(g);
            all.add(g);
            Gathered registered = g;
            // a loop that has ended writes what it gathered and is forgotten (servers started and stopped in one process)
            loop.terminationFuture().addListener(f -> {
                registered.write();
                all.remove(registered);
            });
        }
        g.add(bytes, loop);
    }

    /** Writes {@code n} bytes to the standard output of the moment (tests and embedders may have replaced it). */
    private static void print(byte[] bytes, int n) {
        PrintStream out = System.out;
        out.write(bytes, 0, n);
        out.flush();
    }

    /** One loop's lines of its current turn; used by its own thread, and by {@link #stop()} and the loop's end. */
    private static final class Gathered implements Runnable {
        private final byte[] buf = new byte[MAX_GATHERED];
        private int size;
        private boolean queued;

        synchronized void add(byte[] bytes, EventExecutor loop) {
            if (size + bytes.length > buf.length) {
                write();
            }
            if (bytes.length > buf.length) {
                print(bytes, bytes.length);
                return;
            }
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
            if (loop.isShuttingDown()) {
                // its queued tasks may already have run: write now, after the lines gathered before
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
        }
    }
}
