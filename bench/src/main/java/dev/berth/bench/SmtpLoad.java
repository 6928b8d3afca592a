package dev.berth.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * SMTP load with the time each message waits for its answer: {@code --sessions} sessions (20), each on one
 * connection sending messages of {@code --size} octets one after another (MAIL, RCPT, DATA, the message)
 * for {@code --duration} seconds. Measures, per message, the time from the end of DATA (the final dot
 * written) to the {@code 250}: what a store's promise costs the sender. Prints
 * {@code MESSAGES_PER_SECOND P99_MS}; a reply other than 250 stops the run with exit code 1, so a store
 * that fails is not measured as a fast one.
 *
 * <p>Usage: {@code SmtpLoad --port P [--sessions 20] [--size 1024] [--duration 3]}.
 */
public final class SmtpLoad {
    private static final byte[] CRLF = {'\r', '\n'};

    private SmtpLoad() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", Integer.parseInt(args.required("port")));
        int sessions = args.integer("sessions", 20);
        int size = args.integer("size", 1024);
        long nanos = args.seconds("duration", 3).toNanos();
        byte[] message = message(size);
        AtomicLong done = new AtomicLong();
        AtomicReference<String> failure = new AtomicReference<>();
        List<long[]> waits = new ArrayList<>();
        List<int[]> counts = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        long until = t0 + nanos;
        for (int s = 0; s < sessions; s++) {
            long[] w = new long[1 << 16];
            int[] n = new int[1];
            waits.add(w);
            counts.add(n);
            Thread t = new Thread(() -> {
                try {
                    session(server, message, until, w, n, done);
                } catch (IOException | RuntimeException e) {
                    failure.compareAndSet(null, e.toString());
                }
            }, "smtp session " + s);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (failure.get() != null) {
            System.err.println("SmtpLoad: " + failure.get() + " (after " + done.get() + " messages)");
            System.exit(1);
        }
        int total = counts.stream().mapToInt(c -> c[0]).sum();
        long[] all = new long[total];
        int at = 0;
        for (int i = 0; i < sessions; i++) {
            System.arraycopy(waits.get(i), 0, all, at, counts.get(i)[0]);
            at += counts.get(i)[0];
        }
        Arrays.sort(all);
        double p99 = all.length == 0 ? 0 : all[(int) Math.min(all.length - 1, Math.ceil(0.99 * all.length) - 1)] / 1e6;
        System.out.printf(Locale.ROOT, "%.1f %.2f%n", done.get() / seconds, p99);
    }

    /** One session: messages until the deadline, the wait after each one's final dot recorded in {@code waits}. */
    private static void session(InetSocketAddress server, byte[] message, long until, long[] waits, int[] count,
                                AtomicLong done) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(server, 10_000);
            socket.setSoTimeout(120_000);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            expect(in, "220");
            command(out, in, "EHLO load.bench.test", "250");
            while (System.nanoTime() < until) {
                command(out, in, "MAIL FROM:<bench@example.com>", "250");
                command(out, in, "RCPT TO:<rcpt@example.com>", "250");
                command(out, in, "DATA", "354");
                out.write(message);
                out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                long sent = System.nanoTime();
                expect(in, "250");
                if (count[0] < waits.length) {
                    waits[count[0]++] = System.nanoTime() - sent;
                }
                done.incrementAndGet();
            }
            command(out, in, "QUIT", "221");
        }
    }

    private static void command(OutputStream out, InputStream in, String line, String code) throws IOException {
        out.write(line.getBytes(StandardCharsets.US_ASCII));
        out.write(CRLF);
        out.flush();
        expect(in, code);
    }

    /** Reads a reply (all its lines) and fails unless its code is {@code code}. */
    private static void expect(InputStream in, String code) throws IOException {
        String line;
        do {
            line = line(in);
        } while (line.length() > 3 && line.charAt(3) == '-');
        if (!line.startsWith(code)) {
            throw new IOException("expected " + code + ", got: " + line);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("the server closed the connection");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    /** CRLF lines of 78 octets (no line starts with a dot), a header block first, {@code size} octets in all. */
    static byte[] message(int size) {
        StringBuilder b = new StringBuilder("From: bench@example.com\r\nTo: rcpt@example.com\r\nSubject: bench\r\n\r\n");
        while (b.length() < size) {
            b.append("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwx\r\n");
        }
        b.setLength(size - 2);
        if (b.charAt(size - 3) == '\r') {
            b.setCharAt(size - 3, 'x'); // no bare CR before the last line end
        }
        b.append("\r\n");
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
