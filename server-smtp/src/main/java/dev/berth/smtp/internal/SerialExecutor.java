package dev.berth.smtp.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/** Runs one session's tasks on a shared pool one at a time, in the order given. */
public final class SerialExecutor implements Executor {
    private final Executor pool;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    public SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(task);
        if (!running) {
            running = true;
            pool.execute(this::runAll);
        }
    }

    /** True when no task is queued or running: a task run now on another thread runs in order. */
    public synchronized boolean idle() {
        return !running;
    }

    private void runAll() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                // Each task reports its own failure; one failing must not stop the rest.
            }
        }
    }
}
