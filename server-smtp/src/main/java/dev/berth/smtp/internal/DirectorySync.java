package dev.berth.smtp.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit of directory fsyncs. A thread that has renamed a file into a directory calls
 * {@link #syncAfterRename}; threads doing so for the same directory at the same time share one fsync
 * of it, started after the last of their renames. No extra thread: the first caller to find no fsync
 * of the directory running does it for everyone who came before it; callers who arrive while it runs
 * wait for it to finish, then one of them does the next, for all of them.
 *
 * <p>The promise held: {@code syncAfterRename} returns only once an fsync of the directory has
 * completed that <em>started</em> after the call began, so after the caller's rename; it throws when
 * that fsync failed (and then every caller it covered gets the failure, none a false success). An
 * fsync already running when a caller arrives never counts for it, since it may have started before
 * the caller's rename.
 *
 * <p>Bounded: a directory is tracked only while some thread is inside {@code syncAfterRename} for it.
 */
public final class DirectorySync {
    /** What forces a directory to disk; {@link DirectorySync#fsync} but for tests. */
    @FunctionalInterface
    public interface Fsync {
        void force(Path dir) throws IOException;
    }

    /** Directories with a caller inside; an entry leaves when its last caller does. */
    private final Map<Path, Directory> directories = new HashMap<>();
    private final Fsync fsync;

    /** Group commit with the real {@link #fsync}. */
    public DirectorySync() {
        this(DirectorySync::fsync);
    }

    /** Group commit with {@code fsync} forcing each directory (tests count and order the calls). */
    public DirectorySync(Fsync fsync) {
        this.fsync = fsync;
    }

    /**
     * Returns once {@code dir} has been fsynced by an fsync that started after this call began; call it
     * after the rename (or file creation) in {@code dir} that must reach the disk.
     */
    public void syncAfterRename(Path dir) throws IOException {
        Directory d;
        synchronized (directories) {
            d = directories.computeIfAbsent(dir, p -> new Directory(p, fsync));
            d.callers++;
        }
        try {
            d.sync();
        } finally {
            synchronized (directories) {
                if (--d.callers == 0) {
                    directories.remove(dir);
                }
            }
        }
    }

    /** Directories tracked now (for tests: none once every caller has returned). */
    public int tracked() {
        synchronized (directories) {
            return directories.size();
        }
    }

    /** Forces a file or a directory (its entries: a rename, a new file) to disk. */
    public static void fsync(Path p) throws IOException {
        try (FileChannel c = FileChannel.open(p, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException e) {
            if (Files.isDirectory(p) && System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
                return; // Windows cannot open a directory for sync; NTFS journals the rename itself
            }
            throw e;
        }
    }

    /** The callers waiting for one fsync, which has not started yet or is running. */
    private static final class Batch {
        /** Signalled for all when the batch is done, for one when the fsync before it ends. */
        final Condition changed;
        boolean done;
        IOException failure;

        Batch(ReentrantLock lock) {
            this.changed = lock.newCondition();
        }
    }

    private static final class Directory {
        final Path path;
        final Fsync fsync;
        int callers; // guarded by the map
        private final ReentrantLock lock = new ReentrantLock();
        /** Callers no fsync has started for yet; the next fsync is theirs. */
        private Batch next;
        private boolean syncing;

        Directory(Path path, Fsync fsync) {
            this.path = path;
            this.fsync = fsync;
            this.next = new Batch(lock);
        }

        void sync() throws IOException {
            Batch mine;
            lock.lock();
            try {
                mine = next;
                // An fsync running now may have started before our rename: wait for it, then ours.
                while (syncing && !mine.done) {
                    try {
                        mine.changed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while waiting for the fsync of " + path);
                    }
                }
                if (mine.done) {
                    outcome(mine);
                    return;
                }
                syncing = true;
                next = new Batch(lock); // whoever arrives from now on may have renamed after our fsync starts
            } finally {
                lock.unlock();
            }
            // Until the fsync returns normally, the batch counts as failed: no caller may take an
            // error (or an Error) in the leader for a success.
            IOException failure = new IOException("the fsync did not complete");
            try {
                fsync.force(path);
                failure = null;
            } catch (IOException e) {
                failure = e;
            } catch (RuntimeException e) {
                failure = new IOException(e);
            } finally {
                lock.lock();
                try {
                    mine.done = true;
                    mine.failure = failure;
                    syncing = false;
                    mine.changed.signalAll(); // our batch returns
                    next.changed.signal(); // one caller of the next batch, if any, leads its fsync
                } finally {
                    lock.unlock();
                }
            }
            outcome(mine);
        }

        private void outcome(Batch b) throws IOException {
            if (b.failure != null) {
                throw new IOException("cannot fsync " + path + ": " + b.failure.getMessage(), b.failure);
            }
        }
    }
}
