package dev.berth.smtp;

import dev.berth.smtp.internal.DirectorySync;
import dev.berth.smtp.internal.MaildirNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default message handler: stores each message in a Maildir, with a durability promise.
 *
 * <p>A {@code Return-Path:} and a {@code Received:} trace header (naming the TLS version and cipher
 * when the session had TLS) are prepended; the message is written to {@code tmp/}, fsynced, renamed
 * into {@code new/}, and the {@code new/} directory is fsynced, all before {@code onData} returns its
 * 250. A crash at any moment leaves either no file in {@code new/} or a whole one; a file left in
 * {@code tmp/} was never acknowledged.
 *
 * <p>Messages renamed into the same {@code new/} at the same time share its fsync (group commit): the
 * fsync that answers for a message always starts after that message's rename, so the promise is the
 * same as with one fsync per message, for fewer of them under load. Each message's own file still gets
 * its own fsync, before its rename.
 */
public final class MaildirStore implements SmtpMessageHandlerFactory {
    private static final Logger log = LoggerFactory.getLogger(MaildirStore.class);

    private static final int BUFFER = 64 * 1024;

    private final Path root;
    private final MaildirLayout layout;
    private final DirectorySync syncs = new DirectorySync();
    /**
     * The Maildirs this store has made sure of: folders present and their entries on disk. Each is checked
     * once (not before every message: four statx calls); one removed later is made again when an open, copy
     * or rename in it fails. Emptied when it grows past {@link #READY_LIMIT} (per-recipient Maildirs).
     */
    private final Set<Path> ready = ConcurrentHashMap.newKeySet();
    private static final int READY_LIMIT = 10_000;

    /** A store under {@code root}, which is created (with {@code tmp}, {@code new}, {@code cur}) as needed. */
    public MaildirStore(Path root, MaildirLayout layout) {
        this.root = root;
        this.layout = layout;
    }

    public Path root() {
        return root;
    }

    public MaildirLayout layout() {
        return layout;
    }

    /** The Maildir a recipient's messages go to under this store's layout. */
    public Path maildirFor(String recipient) {
        return layout == MaildirLayout.SHARED ? root : root.resolve(MaildirNames.folderFor(recipient));
    }

    /** Creates the shared Maildir's folders now, so that a bad path fails at start rather than at the first message. */
    public void prepare() throws IOException {
        Files.createDirectories(root);
        if (layout == MaildirLayout.SHARED) {
            ensureMaildir(root);
            ready.add(root);
        }
    }

    @Override
    public SmtpMessageHandler create(SmtpSession session) {
        return (transaction, content) -> store(transaction, content);
    }

    private SmtpReply store(MailTransaction tx, InputStream content) throws IOException {
        Set<Path> targets = new LinkedHashSet<>();
        for (String r : tx.recipients()) {
            targets.add(maildirFor(r));
        }
        List<Path> written = new ArrayList<>();
        try {
            Path first = null;
            long size = 0;
            // Each Maildir is made sure of once (ready), not before each message; a folder removed since fails the
            // open, copy or rename with NoSuchFileException, and is made then, before that one step is tried again.
            for (Path dir : targets) {
                if (!ready.contains(dir)) {
                    ensureMaildir(dir);
                    if (ready.size() >= READY_LIMIT) {
                        ready.clear();
                    }
                    ready.add(dir);
                }
                Path tmp = dir.resolve("tmp").resolve(MaildirNames.forMessage(tx.id(), tx.session().serverName()));
                written.add(tmp);
                if (first == null) {
                    size = writeFirst(createIn(dir, tmp), tx, content);
                    first = tmp;
                } else {
                    try {
                        Files.copy(first, tmp);
                    } catch (NoSuchFileException e) {
                        ensureMaildir(dir);
                        Files.copy(first, tmp);
                    }
                }
            }
            // The copies are forced after all are written: a journaling file system commits them in
            // one go, and the later fsyncs find their work done.
            for (int i = 1; i < written.size(); i++) {
                DirectorySync.fsync(written.get(i));
            }
            // Every file is on disk before any rename, so new/ only ever holds whole messages.
            for (int i = 0; i < written.size(); i++) {
                Path tmp = written.get(i);
                Path target = tmp.getParent().resolveSibling("new").resolve(tmp.getFileName() + ",S=" + size);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (NoSuchFileException e) {
                    ensureMaildir(tmp.getParent().getParent());
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                }
                written.set(i, target);
            }
            // Then each new/ once, in an fsync shared with the messages renamed into it at the same time.
            for (Path target : written) {
                syncs.syncAfterRename(target.getParent());
            }
            log.debug("stored {} ({} octets) in {} Maildir(s)", tx.id(), size, written.size());
            return SmtpReply.of(250, "2.0.0", "OK queued as " + tx.id());
        } catch (IOException | RuntimeException e) {
            // Only files still in tmp/ are removed: one already in new/ was whole and stays (at least once).
            for (Path p : written) {
                if (p.getParent().getFileName().toString().equals("tmp")) {
                    Files.deleteIfExists(p);
                }
            }
            if (e instanceof IOException && String.valueOf(e.getMessage()).startsWith("message refused")) {
                throw (IOException) e; // the server refused the content and answers for itself
            }
            log.warn("cannot store message {} in {}: {}", tx.id(), root, e.toString());
            return SmtpReply.of(451, "4.3.0", "Cannot store the message now, try again later");
        }
    }

    /**
     * Writes trace headers and content to {@code file}, forces it to disk, closes it, and returns its size.
     * The headers go out in the content's first write: a small message is one {@code write}.
     */
    private static long writeFirst(FileChannel file, MailTransaction tx, InputStream content) throws IOException {
        try (FileChannel out = file) {
            byte[] head = tx.traceHeaders().getBytes(StandardCharsets.UTF_8);
            byte[] buf = new byte[Math.max(BUFFER, head.length)];
            System.arraycopy(head, 0, buf, 0, head.length);
            int filled = head.length;
            boolean end = false;
            while (!end) {
                int n = content.read(buf, filled, buf.length - filled);
                if (n < 0) {
                    end = true;
                } else {
                    filled += n;
                }
                if (end || filled == buf.length) {
                    ByteBuffer b = ByteBuffer.wrap(buf, 0, filled);
                    while (b.hasRemaining()) {
                        out.write(b);
                    }
                    filled = 0;
                }
            }
            out.force(true);
            return out.size();
        }
    }

    /** Creates {@code tmp} in {@code dir}'s {@code tmp/} for writing, making the Maildir's folders first if missing. */
    private static FileChannel createIn(Path dir, Path tmp) throws IOException {
        try {
            return FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            ensureMaildir(dir);
            return FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }

    /**
     * Makes {@code dir} a whole Maildir on disk: creates what is missing of it and its {@code tmp}, {@code new} and
     * {@code cur}, and fsyncs {@code dir} and its parent even when nothing was missing, since another thread or
     * process may have just made them without their entries being on disk yet. One at a time, so that a second
     * first message to a new Maildir waits for the first one's fsyncs before its own 250.
     */
    private static synchronized void ensureMaildir(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String sub : new String[] {"tmp", "new", "cur"}) {
            Path p = dir.resolve(sub);
            if (!Files.isDirectory(p)) {
                Files.createDirectories(p);
            }
        }
        DirectorySync.fsync(dir);
        if (dir.getParent() != null) {
            DirectorySync.fsync(dir.getParent());
        }
    }

    @Override
    public String toString() {
        return "MaildirStore[" + root + ", " + layout + "]";
    }
}
