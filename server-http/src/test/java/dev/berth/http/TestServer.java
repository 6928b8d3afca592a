package dev.berth.http;

import dev.berth.core.Server;
import dev.berth.http.testing.BerthHttpExtension;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The test kit's {@link BerthHttpExtension} (listeners {@code https} and {@code http} on 127.0.0.1, port
 * 0, certificates made in-process) for tests that start a server per test method, with URLs on
 * 127.0.0.1 as these tests have always used.
 */
final class TestServer implements AutoCloseable {
    /** A data directory for tests that start the launcher themselves. */
    static final Path DATA = Path.of("target", "test-berth-data");

    final Server server;
    private final BerthHttpExtension kit;

    private TestServer(BerthHttpExtension kit) {
        this.kit = kit;
        this.server = kit.server();
    }

    static TestServer start(HttpModule.Builder module) {
        return start(module.build());
    }

    static TestServer start(HttpModule module) {
        BerthHttpExtension kit = BerthHttpExtension.of(module, b -> b.shutdownTimeout(Duration.ofSeconds(10)));
        kit.start();
        return new TestServer(kit);
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
        kit.stop();
    }
}
