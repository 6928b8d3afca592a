package dev.berth.http;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.tls.TlsMode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** A server on 127.0.0.1 port 0 with an {@code https} (TLS at accept) and an {@code http} listener. */
final class TestServer implements AutoCloseable {
    /** Shared by every test so that the self-signed certificate is generated once. */
    static final Path DATA = Path.of("target", "test-berth-data");

    final Server server;

    private TestServer(Server server) {
        this.server = server;
    }

    static TestServer start(HttpModule.Builder module) {
        return start(module.build());
    }

    static TestServer start(HttpModule module) {
        Server s = Server.builder()
                .dataDirectory(DATA)
                .shutdownTimeout(Duration.ofSeconds(10))
                .listener(ListenerConfig.tcp("https").protocol("http").host("127.0.0.1").tlsMode(TlsMode.IMPLICIT).build())
                .listener(ListenerConfig.tcp("http").protocol("http").host("127.0.0.1").build())
                .module(module)
                .build()
                .start();
        return new TestServer(s);
    }

    int httpsPort() {
        return server.localAddress("https").getPort();
    }

    int httpPort() {
        return server.localAddress("http").getPort();
    }

    String https(String path) {
        return "https://127.0.0.1:" + httpsPort() + path;
    }

    String http(String path) {
        return "http://127.0.0.1:" + httpPort() + path;
    }

    URI httpsUri(String path) {
        return URI.create(https(path));
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(5));
    }
}
