package dev.berth.core.testing;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.ServerBuilder;
import dev.berth.core.spi.ProtocolModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Berth server for a JUnit 5 test: the modules and listeners you give, each listener moved to
 * 127.0.0.1 and port 0, TLS listeners without certificate files given certificates made in-process
 * ({@link #certificates()}, trusted by {@link #clientContext()}), and a data directory of its own.
 * Register it with {@code @RegisterExtension}: in a static field the server runs for the whole class,
 * in an instance field for each test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final BerthServerExtension server = BerthServerExtension.newBuilder()
 *         .module(new UpperEchoModule())
 *         .listener(ListenerConfig.tcp("upper").build())
 *         .build();
 *
 * @Test
 * void answersInUpperCase() throws Exception {
 *     InetSocketAddress address = server.address("upper");
 *     ...
 * }
 * }</pre>
 */
public class BerthServerExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final List<ProtocolModule> modules;
    private final List<ListenerConfig> listeners;
    private final Consumer<ServerBuilder> customizer;
    private Path directory;
    private TestCertificates certificates;
    private Server server;
    private boolean perClass;

    /** A server for these modules and listeners; {@code customizer} may set anything else on the builder. */
    protected BerthServerExtension(List<ProtocolModule> modules, List<ListenerConfig> listeners,
                                   Consumer<ServerBuilder> customizer) {
        this.modules = List.copyOf(modules);
        this.listeners = List.copyOf(listeners);
        this.customizer = Objects.requireNonNull(customizer, "customizer");
    }

    public static Builder newBuilder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    /** Starts the server now (the extension does this before the tests); returns it. */
    public Server start() {
        if (server != null) {
            return server;
        }
        try {
            directory = Files.createTempDirectory("berth-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        certificates = TestCertificates.create(directory.resolve("pki"));
        ServerBuilder b = Server.builder().dataDirectory(directory.resolve("data")).shutdownTimeout(Duration.ofSeconds(5));
        modules.forEach(b::module);
        for (ListenerConfig l : listeners) {
            ListenerConfig.Builder local = l.toBuilder().host("127.0.0.1").port(0);
            if (l.tls().certificateChain().isEmpty()) {
                local.tls(certificates.tlsConfig());
            }
            b.listener(local.build());
        }
        customizer.accept(b);
        beforeStart(b);
        server = b.build().start();
        return server;
    }

    /** A subclass's last word on the builder before the server starts. */
    protected void beforeStart(ServerBuilder builder) {
    }

    /** Stops the server and deletes its directory. */
    public void stop() {
        if (server == null) {
            return;
        }
        try {
            server.stop(Duration.ofSeconds(5));
        } finally {
            server = null;
            deleteTree(directory);
        }
    }

    /** The running server. */
    public Server server() {
        if (server == null) {
            throw new IllegalStateException("the server runs between beforeAll/beforeEach and afterAll/afterEach");
        }
        return server;
    }

    /** A listener's real address on 127.0.0.1. */
    public InetSocketAddress address(String listener) {
        return server().localAddress(listener);
    }

    public int port(String listener) {
        return address(listener).getPort();
    }

    /** The certificates made for this server's TLS listeners. */
    public TestCertificates certificates() {
        server();
        return certificates;
    }

    /** A client TLS context that trusts this server's certificate (and verifies host names). */
    public SSLContext clientContext() {
        return certificates().clientContext();
    }

    /** The server's data directory (the default Maildir and such live under it). */
    public Path dataDirectory() {
        server();
        return directory.resolve("data");
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is not a test failure
        }
    }

    /** Collects the modules and listeners of a {@link BerthServerExtension}. */
    public static final class Builder {
        private final List<ProtocolModule> modules = new ArrayList<>();
        private final List<ListenerConfig> listeners = new ArrayList<>();
        private Consumer<ServerBuilder> customizer = b -> { };

        private Builder() {
        }

        public Builder module(ProtocolModule module) {
            modules.add(module);
            return this;
        }

        /** A listener; its host and port are replaced by 127.0.0.1 and 0. */
        public Builder listener(ListenerConfig listener) {
            listeners.add(listener);
            return this;
        }

        /** Anything else on the server's builder (shutdown timeout, event-loop threads, ...). */
        public Builder configure(Consumer<ServerBuilder> customizer) {
            this.customizer = this.customizer.andThen(customizer);
            return this;
        }

        public BerthServerExtension build() {
            return new BerthServerExtension(modules, listeners, customizer);
        }
    }
}
