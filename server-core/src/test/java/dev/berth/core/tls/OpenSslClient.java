package dev.berth.core.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code openssl s_client}, a real TLS client, against a listener and returns what it printed. */
public final class OpenSslClient {
    private OpenSslClient() {
    }

    /** The result of one s_client run: exit code and stdout+stderr together. */
    public static final class Result {
        final int exitCode;
        public final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }

        public boolean connected() {
            return output.contains("Cipher is ") && !output.contains("Cipher is (NONE)");
        }

        /** The negotiated cipher in OpenSSL's naming, from the "New, TLSv1.3, Cipher is X" line. */
        public String cipher() {
            int i = output.indexOf("Cipher is ");
            return i < 0 ? null : output.substring(i + 10, output.indexOf('\n', i)).trim();
        }

        public String protocol() {
            for (String line : output.split("\n")) {
                String t = line.trim();
                if (t.startsWith("Protocol") && t.contains(":")) {
                    return t.substring(t.indexOf(':') + 1).trim();
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ":\n" + output;
        }
    }

    /**
     * Connects, sends {@code input}, and waits for s_client to end. With {@code -ign_eof}, s_client ends
     * when the server closes: end {@code input} with {@code QUIT}.
     */
    public static Result run(InetSocketAddress address, String input, String... options) {
        return runUntil(address, input, null, options);
    }

    /** Like {@link #run}, but ends s_client as soon as its output holds {@code until} (null: wait for its end). */
    public static Result runUntil(InetSocketAddress address, String input, String until, String... options) {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + address.getPort(), "-CAfile", TestPki.file("root.crt").toString(),
                "-ign_eof", "-nocommands"));
        cmd.addAll(List.of(options));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            StringBuffer output = new StringBuffer();
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[4096];
                try {
                    int n;
                    while ((n = p.getInputStream().read(buf)) > 0) {
                        output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        if (until != null && output.indexOf(until) >= 0) {
                            p.destroy();
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "s_client-output");
            reader.start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // s_client already ended (a refused handshake): its output says why
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("openssl s_client did not end within 30s: " + String.join(" ", cmd)
                        + "\n" + output);
            }
            reader.join(10_000);
            return new Result(p.exitValue(), output.toString());
        } catch (IOException e) {
            throw new AssertionError("cannot run openssl s_client (the tests need the openssl CLI: "
                    + "apt-get install openssl): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
