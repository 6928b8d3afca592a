package dev.berth.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real curl against a server and reads its answer: status, headers (lower-case names) and body. */
public final class Curl {
    /** What curl received; status 0 when it could not connect. */
    public record Response(int status, Map<String, String> headers, String body, String error) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private Curl() {
    }

    /** {@code curl -sS -i URL} with {@code options} before the URL (e.g. {@code -H}, {@code -X}, {@code --cacert}). */
    public static Response run(String url, String... options) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-i", "--max-time", "20", "--noproxy", "*"));
        cmd.addAll(List.of(options));
        cmd.add(url);
        try {
            Process p = new ProcessBuilder(cmd).start();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("curl did not end: " + cmd);
            }
            return parse(new String(out, StandardCharsets.UTF_8), err);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run curl: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Response parse(String raw, String err) {
        int end = raw.indexOf("\r\n\r\n");
        if (!raw.startsWith("HTTP/") || end < 0) {
            return new Response(0, Map.of(), raw, err);
        }
        String[] lines = raw.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        return new Response(status, headers, raw.substring(end + 4), err);
    }
}
