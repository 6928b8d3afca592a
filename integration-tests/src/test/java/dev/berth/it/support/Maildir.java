package dev.berth.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A Maildir that Berth delivers to, read back to check what was stored, byte for byte. */
public final class Maildir {
    /** The trace header block Berth puts in front of a message: Return-Path, then Received with folded lines. */
    private static final Pattern TRACE = Pattern.compile(
            "Return-Path: <[^>\\r\\n]*>\\r\\nReceived: [^\\r\\n]*\\r\\n(\\t[^\\r\\n]*\\r\\n)*");

    private final Path root;

    public Maildir(Path root) {
        this.root = root;
    }

    /** The messages delivered to {@code new/}. */
    public List<Path> messages() {
        Path dir = root.resolve("new");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> all = new ArrayList<>();
            s.filter(Files::isRegularFile).sorted().forEach(all::add);
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Files left in {@code tmp/}: messages that were never acknowledged. */
    public List<Path> unfinished() {
        try (Stream<Path> s = Files.exists(root.resolve("tmp")) ? Files.list(root.resolve("tmp")) : Stream.empty()) {
            List<Path> all = new ArrayList<>();
            s.forEach(all::add);
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one message in {@code new/} whose content holds {@code marker}; none or several fails the test. */
    public byte[] messageContaining(String marker) {
        List<byte[]> found = new ArrayList<>();
        for (Path p : messages()) {
            byte[] b = read(p);
            if (new String(b, StandardCharsets.ISO_8859_1).contains(marker)) {
                found.add(b);
            }
        }
        if (found.size() != 1) {
            fail(found.size() + " messages in " + root.resolve("new") + " contain " + marker + " (expected one); it holds "
                    + messages().size());
        }
        return found.get(0);
    }

    /**
     * Checks that {@code stored} is exactly Berth's trace headers followed by {@code sent}, and
     * returns the trace headers.
     */
    public static String assertStoredExactly(byte[] sent, byte[] stored) {
        String s = new String(stored, StandardCharsets.ISO_8859_1);
        String m = new String(sent, StandardCharsets.ISO_8859_1);
        assertTrue(s.endsWith(m), () -> "the stored message ends with exactly the bytes sent\n--- sent ---\n" + m
                + "\n--- stored ---\n" + s);
        String trace = s.substring(0, s.length() - m.length());
        assertTrue(TRACE.matcher(trace).matches(), () -> "only Return-Path and Received come before it:\n" + trace);
        assertEquals(stored.length - sent.length, trace.length());
        assertTrue(Arrays.equals(sent, Arrays.copyOfRange(stored, trace.length(), stored.length)));
        return trace;
    }

    public static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
