package dev.berth.bench.app;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.smtp.SmtpConfig;
import dev.berth.smtp.SmtpMessageHandler;
import dev.berth.smtp.SmtpModule;
import dev.berth.smtp.SmtpReply;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Berth's side of the like-for-like SMTP benchmarks: the full ESMTP receiver (framing, line checks,
 * dot-unstuffing, the handler call) with a message handler that reads every message to its end and
 * discards it, as Postfix's smtp-sink and aiosmtpd's {@code Sink} do. Like them it never blocks, and
 * says so ({@link SmtpMessageHandler.NonBlocking}): a message held whole is handed to it on the event
 * loop, as aiosmtpd's handler runs on its own loop. With {@code --blocking true} it is a plain
 * handler instead, called on the blocking executor (what the case measured before the non-blocking
 * contract). One
 * plaintext listener {@code smtp} on port 0. Compiled by bench/run against server-smtp.jar.
 *
 * <p>Usage: {@code BerthSmtpSink --ready-file F [--threads 1] [--data-dir D] [--blocking true]}.
 */
public final class BerthSmtpSink {
    private BerthSmtpSink() {
    }

    public static void main(String[] argv) throws InterruptedException {
        Map<String, String> a = AppArgs.parse(argv);
        SmtpConfig config = SmtpConfig.builder().serverName("bench.localhost").build();
        SmtpMessageHandler.NonBlocking discard = (transaction, content) -> {
            // Reading to the end is what lets the server finish its checks (line length, bare CR or
            // LF) before the reply, so the discarding handler still pays for the whole intake.
            content.transferTo(OutputStream.nullOutputStream());
            return SmtpReply.MESSAGE_ACCEPTED;
        };
        SmtpMessageHandler handler = Boolean.parseBoolean(a.getOrDefault("blocking", "false")) ? discard::onData : discard;
        Server server = Server.builder()
                .eventLoopThreads(Integer.parseInt(a.getOrDefault("threads", "1")))
                .dataDirectory(Path.of(a.getOrDefault("data-dir", "berth-data")))
                .readyFile(Path.of(a.get("ready-file")))
                .listener(ListenerConfig.tcp("smtp").protocol("smtp").host(a.getOrDefault("host", "127.0.0.1"))
                        .port(0).build())
                .module(new SmtpModule(config, session -> handler))
                .build()
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "bench-stop"));
        new CountDownLatch(1).await();
    }
}
