package dev.berth.bench.app;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsMode;
import dev.berth.http.HttpModule;
import dev.berth.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Berth's side of the HTTP benchmarks: an application with one route, {@code GET /} answering the
 * 13 bytes "Hello, World!", on a plaintext listener {@code http} and a TLS listener {@code https}
 * (HTTP/1.1 and HTTP/2 by ALPN), both on port 0. Redirects and HSTS are off so that the response
 * is the same as the anchors'. Compiled by bench/run against server-http.jar, not by Maven, so the
 * bench builds before the HTTP module exists.
 *
 * With {@code --h3 true} it also serves HTTP/3 on a UDP listener {@code h3}, with the https listener's certificate.
 *
 * <p>Usage: {@code BerthHello --cert F --key F --ready-file F [--threads 1] [--data-dir D] [--h3 true]}.
 */
public final class BerthHello {
    private BerthHello() {
    }

    public static void main(String[] argv) throws InterruptedException {
        Map<String, String> a = AppArgs.parse(argv);
        String host = a.getOrDefault("host", "127.0.0.1");
        TlsConfig tls = TlsConfig.builder()
                .certificateChain(Path.of(a.get("cert")))
                .privateKey(Path.of(a.get("key")))
                .build();
        HttpModule hello = HttpModule.builder()
                .get("/", req -> HttpResponse.text("Hello, World!"))
                .redirectToHttps(false)
                .hsts(null)
                .build();
        dev.berth.core.ServerBuilder builder = Server.builder()
                .eventLoopThreads(Integer.parseInt(a.getOrDefault("threads", "1")))
                .dataDirectory(Path.of(a.getOrDefault("data-dir", "berth-data")))
                .readyFile(Path.of(a.get("ready-file")))
                .listener(ListenerConfig.tcp("http").protocol("http").host(host).port(0).build())
                .listener(ListenerConfig.tcp("https").protocol("http").host(host).port(0)
                        .tlsMode(TlsMode.IMPLICIT).tls(tls).build())
                .module(hello);
        if (Boolean.parseBoolean(a.getOrDefault("h3", "false"))) {
            // HTTP/3 beside the https listener, with its certificate (the h3 case)
            builder.listener(ListenerConfig.udp("h3").protocol("http").host(host).port(0).build());
        }
        Server server = builder.build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "bench-stop"));
        new CountDownLatch(1).await();
    }
}
