package dev.berth.bench;

import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Start-up time of an echo server: starts the command after {@code --}, with {@code {port}}
 * replaced by a free port, and measures until the first connection echoes a byte back. Stops the
 * server (SIGTERM, then kill) before printing {@code result MS ms}.
 */
public final class StartupProbe {
    private StartupProbe() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        long timeoutNanos = args.seconds("timeout", 30).toNanos();
        File log = new File(args.string("log", "/dev/null"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        for (String w : args.words()) {
            command.add(w.replace("{port}", String.valueOf(port)));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        long t0 = System.nanoTime();
        Process p = pb.start();
        // If the probe itself is stopped, the server it started goes with it.
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "stop-server"));
        try {
            while (true) {
                if (System.nanoTime() - t0 > timeoutNanos || !p.isAlive()) {
                    System.err.println("startup: no echo on port " + port + (p.isAlive() ? " in time" : "; the server exited")
                            + " (log: " + log + ")");
                    System.exit(1);
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                    s.setSoTimeout(5000);
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    out.write('x');
                    out.flush();
                    if (in.read() == 'x') {
                        break;
                    }
                } catch (ConnectException | SocketTimeoutException e) {
                    Thread.sleep(1);
                }
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            System.out.printf(Locale.ROOT, "result %.1f ms%n", ms);
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
