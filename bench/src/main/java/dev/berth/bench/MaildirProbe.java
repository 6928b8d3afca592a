package dev.berth.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the disk gives a Maildir, with no SMTP at all: {@code --threads} threads (20, as the SMTP
 * sessions) each write a message of {@code --size} octets to {@code tmp/}, fsync it, rename it into
 * {@code new/} and fsync {@code new/}, one message after another, for {@code --duration} seconds or
 * {@code --max} messages, whichever comes first. The same system calls a durable SMTP store makes per
 * message and no more; no sharing of fsyncs between threads beyond what the file system does itself.
 * Prints the messages per second. What it wrote stays (bench/run empties the directory between
 * sub-cases, as it does the servers' Maildirs); names carry the run's start time and process id, so runs do not collide.
 *
 * <p>Usage: {@code MaildirProbe --dir D [--threads 20] [--size 1024] [--duration 1] [--max 200000]}.
 */
public final class MaildirProbe {
    private MaildirProbe() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path root = Path.of(args.required("dir"));
        int threads = args.integer("threads", 20);
        int size = args.integer("size", 1024);
        long nanos = args.seconds("duration", 1).toNanos();
        long max = args.integer("max", 200_000);
        Path tmp = Files.createDirectories(root.resolve("tmp"));
        Path fresh = Files.createDirectories(root.resolve("new"));
        byte[] message = new byte[size];
        for (int i = 0; i < size; i++) {
            message[i] = (byte) ((i % 78 == 76) ? '\r' : (i % 78 == 77) ? '\n' : 'a' + i % 26);
        }
        AtomicLong taken = new AtomicLong();
        AtomicLong done = new AtomicLong();
        String run = "probe." + System.currentTimeMillis() + "." + ProcessHandle.current().pid();
        long t0 = System.nanoTime();
        long until = t0 + nanos;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    for (long n = 0; System.nanoTime() < until && taken.incrementAndGet() <= max; n++) {
                        String name = run + "." + id + "." + n;
                        Path file = tmp.resolve(name);
                        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                            ByteBuffer b = ByteBuffer.wrap(message);
                            while (b.hasRemaining()) {
                                out.write(b);
                            }
                            out.force(true);
                        }
                        Files.move(file, fresh.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                        try (FileChannel dir = FileChannel.open(fresh, StandardOpenOption.READ)) {
                            dir.force(true);
                        }
                        done.incrementAndGet();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "probe-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%.1f%n", done.get() / seconds);
    }
}
