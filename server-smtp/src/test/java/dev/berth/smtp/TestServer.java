package dev.berth.smtp;

import dev.berth.core.Server;
import dev.berth.smtp.testing.BerthSmtpExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The test kit's {@link BerthSmtpExtension} (STARTTLS listener "smtp", implicit TLS listener "smtps",
 * on 127.0.0.1 port 0, certificates made in-process) storing into a Maildir that the test reads back.
 */
final class TestServer implements AutoCloseable {
    final Server server;
    final MaildirStore store;
    /** The server's meters, in a registry of the test's own. */
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final BerthSmtpExtension kit;

    TestServer(Path maildir, SmtpConfig config) {
        this(maildir, config, null);
    }

    TestServer(Path maildir, SmtpConfig config, SmtpMessageHandlerFactory factory) {
        this.store = new MaildirStore(maildir, MaildirLayout.SHARED);
        this.kit = BerthSmtpExtension.builder().config(config).messageHandler(factory == null ? store : factory)
                .configure(b -> b.shutdownTimeout(Duration.ofSeconds(10)).meterRegistry(meters)).build();
        this.server = kit.start();
    }

    static TestServer start(Path maildir) {
        return new TestServer(maildir, SmtpConfig.builder().serverName("mx.test").build());
    }

    InetSocketAddress address() {
        return server.localAddress("smtp");
    }

    InetSocketAddress implicitTlsAddress() {
        return server.localAddress("smtps");
    }

    SmtpTestClient connect() throws IOException {
        return new SmtpTestClient(address());
    }

    /** The files in new/, oldest name first. */
    List<Path> delivered() {
        return files("new");
    }

    List<Path> files(String sub) {
        Path dir = store.root().resolve(sub);
        if (!Files.isDirectory(dir)) {
            return new ArrayList<>();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stored message without the two trace headers this server prepends. */
    static String body(Path file) throws IOException {
        String all = Files.readString(file, StandardCharsets.UTF_8);
        int i = all.indexOf("\r\nReceived: ");
        int end = all.indexOf(";\r\n\t", i);
        int next = all.indexOf("\r\n", end + 4);
        return all.substring(next + 2);
    }

    @Override
    public void close() {
        kit.stop();
    }
}
