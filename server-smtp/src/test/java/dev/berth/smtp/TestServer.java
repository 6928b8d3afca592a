package dev.berth.smtp;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.tls.TlsMode;
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

/** An SMTP server on 127.0.0.1 port 0 (STARTTLS listener "smtp", implicit TLS listener "smtps") storing into a Maildir. */
final class TestServer implements AutoCloseable {
    /** Shared by every test so the self-signed certificate is generated once. */
    static final Path DATA_DIR = Path.of("target", "smtp-test-data");

    final Server server;
    final MaildirStore store;

    TestServer(Path maildir, SmtpConfig config) {
        this(maildir, config, null);
    }

    TestServer(Path maildir, SmtpConfig config, SmtpMessageHandlerFactory factory) {
        this.store = new MaildirStore(maildir, MaildirLayout.SHARED);
        SmtpModule module = new SmtpModule(config, factory == null ? store : factory);
        this.server = Server.builder()
                .dataDirectory(DATA_DIR)
                .shutdownTimeout(Duration.ofSeconds(10))
                .module(module)
                .listener(ListenerConfig.tcp("smtp").host("127.0.0.1").tlsMode(TlsMode.STARTTLS).build())
                .listener(ListenerConfig.tcp("smtps").protocol("smtp").host("127.0.0.1").tlsMode(TlsMode.IMPLICIT).build())
                .build()
                .start();
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
        server.stop(Duration.ofSeconds(5));
    }
}
