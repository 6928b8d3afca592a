package dev.berth.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real curl (Debian package {@code curl}, with HTTP/2 through nghttp2). */
final class Curl {
    private Curl() {
    }

    /** curl's standard output; fails with a clear message when curl is missing or exits non-zero. */
    static String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new AssertionError("these tests need curl on the PATH (Debian package 'curl'): " + e.getMessage());
        }
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("curl did not finish: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("curl exited " + p.exitValue() + ": " + err + " for " + cmd);
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    /** curl's standard output, or an empty string when curl fails (a server not up yet, say). */
    static String runQuietly(String... args) throws IOException, InterruptedException {
        try {
            return run(args);
        } catch (AssertionError e) {
            return "";
        }
    }
}
