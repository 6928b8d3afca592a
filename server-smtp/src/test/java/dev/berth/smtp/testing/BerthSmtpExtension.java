package dev.berth.smtp.testing;

import dev.berth.core.ListenerConfig;
import dev.berth.core.ServerBuilder;
import dev.berth.core.testing.BerthServerExtension;
import dev.berth.core.tls.TlsMode;
import dev.berth.smtp.MailTransaction;
import dev.berth.smtp.SmtpConfig;
import dev.berth.smtp.SmtpMessageHandler;
import dev.berth.smtp.SmtpMessageHandlerFactory;
import dev.berth.smtp.SmtpModule;
import dev.berth.smtp.SmtpReply;
import java.io.InputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;

/**
 * A real Berth SMTP server for a JUnit 5 test, with the real pipeline (STARTTLS, implicit TLS, PROXY,
 * PIPELINING, BDAT, AUTH, the limits): listener {@code smtp} offers STARTTLS, {@code smtps} speaks TLS
 * at once, both on 127.0.0.1 and port 0 with certificates made in-process. By default it keeps every
 * accepted message in memory for the test to read ({@link #messages()}, {@link #awaitMessages}); give
 * a {@link SmtpMessageHandlerFactory} (a {@code MaildirStore}, your own) to test that instead.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final BerthSmtpExtension smtp = BerthSmtpExtension.builder()
 *         .config(SmtpConfig.builder().serverName("mx.test").build()).build();
 *
 * @Test
 * void receivesTheReport() throws Exception {
 *     myApp.sendReport("127.0.0.1", smtp.port());
 *     ReceivedMessage m = smtp.awaitMessages(1, Duration.ofSeconds(10)).get(0);
 *     assertEquals(List.of("ops@example.com"), m.recipients());
 * }
 * }</pre>
 *
 * The annotation {@link BerthSmtp} starts one with the defaults for a test class and hands it to test
 * methods as a parameter.
 */
public final class BerthSmtpExtension extends BerthServerExtension {
    /** The STARTTLS listener. */
    public static final String SMTP = "smtp";
    /** The implicit-TLS listener. */
    public static final String SMTPS = "smtps";

    private final List<ReceivedMessage> received = new ArrayList<>();
    private final boolean capturing;

    private BerthSmtpExtension(SmtpModule module, boolean capturing, Consumer<ServerBuilder> customizer) {
        super(List.of(module), List.of(
                ListenerConfig.tcp(SMTP).protocol(SmtpModule.NAME).tlsMode(TlsMode.STARTTLS).build(),
                ListenerConfig.tcp(SMTPS).protocol(SmtpModule.NAME).tlsMode(TlsMode.IMPLICIT).build()), customizer);
        this.capturing = capturing;
    }

    /** A server with the defaults: server name {@code mx.test}, messages kept in memory. */
    public static BerthSmtpExtension create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The STARTTLS listener's address. */
    public InetSocketAddress address() {
        return address(SMTP);
    }

    /** The STARTTLS listener's port. */
    public int port() {
        return port(SMTP);
    }

    /** The implicit-TLS listener's address. */
    public InetSocketAddress implicitTlsAddress() {
        return address(SMTPS);
    }

    /** The messages accepted so far, oldest first. */
    public List<ReceivedMessage> messages() {
        requireCapturing();
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Waits until at least {@code count} messages have been accepted; fails when the time runs out. */
    public List<ReceivedMessage> awaitMessages(int count, Duration timeout) throws InterruptedException {
        requireCapturing();
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (received.size() < count) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " message(s) within " + timeout + ", got "
                            + received.size() + ": " + received);
                }
                received.wait(Math.max(1, left / 1_000_000));
            }
            return List.copyOf(received);
        }
    }

    /** Forgets the messages received so far. */
    public void clear() {
        synchronized (received) {
            received.clear();
        }
    }

    private void requireCapturing() {
        if (!capturing) {
            throw new IllegalStateException("this server hands messages to the handler it was given, not to the test");
        }
    }

    private SmtpMessageHandler capture(MailTransaction unused) {
        return new SmtpMessageHandler() {
            @Override
            public SmtpReply onData(MailTransaction tx, InputStream content) throws IOException {
                byte[] bytes = content.readAllBytes();
                var session = tx.session();
                ReceivedMessage m = new ReceivedMessage(tx.id(), tx.reversePath(), tx.recipients(), bytes,
                        session.remoteAddress(), session.heloName().orElse(null),
                        session.tlsSession().map(SSLSession::getProtocol).orElse(null),
                        session.authenticatedUser().orElse(null));
                synchronized (received) {
                    received.add(m);
                    received.notifyAll();
                }
                return SmtpReply.MESSAGE_ACCEPTED;
            }
        };
    }

    /** Collects an {@link BerthSmtpExtension}'s settings. */
    public static final class Builder {
        private SmtpConfig config = SmtpConfig.builder().serverName("mx.test").build();
        private SmtpMessageHandlerFactory handler;
        private Consumer<ServerBuilder> customizer = b -> { };

        private Builder() {
        }

        /** Limits, names, domains, AUTH (default: server name {@code mx.test}). */
        public Builder config(SmtpConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Where messages go instead of the test's in-memory list. */
        public Builder messageHandler(SmtpMessageHandlerFactory handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** Anything else on the server's builder (shutdown timeout, ...). */
        public Builder configure(Consumer<ServerBuilder> customizer) {
            this.customizer = this.customizer.andThen(customizer);
            return this;
        }

        public BerthSmtpExtension build() {
            BerthSmtpExtension[] self = new BerthSmtpExtension[1];
            SmtpMessageHandlerFactory factory = handler != null ? handler : session -> self[0].capture(null);
            self[0] = new BerthSmtpExtension(SmtpModule.builder().config(config).messageHandler(factory).build(),
                    handler == null, customizer);
            return self[0];
        }
    }
}
