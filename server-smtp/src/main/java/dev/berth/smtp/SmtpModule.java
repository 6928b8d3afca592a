package dev.berth.smtp;

import dev.berth.core.BerthException;
import dev.berth.core.Transport;
import dev.berth.core.spi.ProtocolModule;
import dev.berth.core.spi.ProtocolService;
import dev.berth.core.spi.ServerContext;
import dev.berth.core.tls.TlsMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code smtp} protocol module: an ESMTP receiver (STARTTLS, PIPELINING, SIZE, 8BITMIME,
 * ENHANCEDSTATUSCODES, SMTPUTF8, CHUNKING, AUTH) that hands each message to a
 * {@link SmtpMessageHandlerFactory}, by default a {@link MaildirStore} under the server's data
 * directory. An immutable value: one module can serve several servers, each storing under its own
 * data directory unless a Maildir or a handler is given.
 *
 * <pre>{@code
 * SmtpModule.builder()
 *     .config(SmtpConfig.builder().serverName("mx.example.org").requireTls(true).build())
 *     .maildir(Path.of("/var/mail/berth"))
 *     .build();
 * }</pre>
 */
public final class SmtpModule implements ProtocolModule {
    /** The module's name, which listeners use as their protocol. */
    public static final String NAME = "smtp";
    private static final Logger log = LoggerFactory.getLogger(SmtpModule.class);

    private final SmtpConfig config;
    private final SmtpMessageHandlerFactory factory;
    private final SmtpStore store;
    private final Path maildir;
    private final MaildirLayout layout;

    /** The module with its defaults: storing into {@code DATA-DIR/maildir}. */
    public SmtpModule() {
        this(builder());
    }

    /** A module with its settings and message handler; a null factory means a {@link MaildirStore} under the data directory. */
    public SmtpModule(SmtpConfig config, SmtpMessageHandlerFactory factory) {
        this(builder().config(config).messageHandler(factory));
    }

    private SmtpModule(Builder b) {
        this.config = b.config;
        this.factory = b.factory;
        this.store = b.store;
        this.maildir = b.maildir;
        this.layout = b.layout;
    }

    /** Starts describing a module: settings, then where messages go. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.TCP);
    }

    /** The server speaks first in SMTP, so there are no client bytes to sniff for a ClientHello: no OPTIONAL. */
    @Override
    public Set<TlsMode> tlsModes() {
        return EnumSet.of(TlsMode.NONE, TlsMode.IMPLICIT, TlsMode.STARTTLS);
    }

    @Override
    public ProtocolService start(ServerContext server) {
        if (store != null) {
            SmtpStore.Open open = store.open(server, config);
            try {
                return new SmtpService(limitedBy(open), open, server.meterRegistry(), open::close);
            } catch (RuntimeException e) {
                open.close(); // not yet a service the server would stop: close what the store opened here
                throw e;
            }
        }
        SmtpMessageHandlerFactory handlers = factory != null ? factory : maildirStore(server);
        return new SmtpService(config, handlers, server.meterRegistry(), () -> { });
    }

    /** The settings with the message size lowered to what the store can keep, so that SIZE and MAIL FROM say so. */
    private SmtpConfig limitedBy(SmtpStore.Open open) {
        long limit = open.maxMessageSize().orElse(Long.MAX_VALUE);
        if (limit >= config.maxMessageSize()) {
            return config;
        }
        log.info("smtp: the message store takes at most {} octets: SIZE {} (was {})", limit, limit, config.maxMessageSize());
        return config.toBuilder().maxMessageSize(limit).build();
    }

    private MaildirStore maildirStore(ServerContext server) {
        Path root = maildir != null ? maildir : server.dataDirectory().resolve("maildir");
        MaildirStore store = new MaildirStore(root, layout);
        try {
            store.prepare();
        } catch (IOException e) {
            throw new BerthException("smtp: cannot create the Maildir " + root + ": " + e.getMessage(), "smtp.maildir");
        }
        log.info("smtp stores mail in {} ({} layout)", root, layout.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        return store;
    }

    /** The settings in use. */
    public SmtpConfig config() {
        return config;
    }

    /** The store given to the builder, if any: opened for each server, in place of the message handler. */
    public Optional<SmtpStore> store() {
        return Optional.ofNullable(store);
    }

    /** The message handler given to the builder; empty when each server stores into its own Maildir. */
    public Optional<SmtpMessageHandlerFactory> messageHandler() {
        return Optional.ofNullable(factory);
    }

    @Override
    public String toString() {
        return "SmtpModule[" + config.serverName() + "]";
    }

    /** Collects an {@link SmtpModule}'s settings; {@link #build()} takes a snapshot. */
    public static final class Builder {
        private SmtpConfig config = SmtpConfig.defaults();
        private SmtpMessageHandlerFactory factory;
        private SmtpStore store;
        private Path maildir;
        private MaildirLayout layout = MaildirLayout.SHARED;

        private Builder() {
        }

        /** Limits, timeouts, names, domains and AUTH. */
        public Builder config(SmtpConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Where accepted messages go; null (the default) stores into a Maildir. */
        public Builder messageHandler(SmtpMessageHandlerFactory factory) {
            this.factory = factory;
            return this;
        }

        /**
         * Where accepted messages go, when the store has a life of its own (opened for each server,
         * closed when it stops); it takes the place of any {@link #messageHandler}. Null (the default)
         * leaves the message handler or the Maildir.
         */
        public Builder store(SmtpStore store) {
            this.store = store;
            return this;
        }

        /** The Maildir root when no message handler is given; default {@code DATA-DIR/maildir}. */
        public Builder maildir(Path root) {
            this.maildir = Objects.requireNonNull(root, "root");
            return this;
        }

        /** One shared Maildir (default) or one per recipient. */
        public Builder maildirLayout(MaildirLayout layout) {
            this.layout = Objects.requireNonNull(layout, "layout");
            return this;
        }

        public SmtpModule build() {
            return new SmtpModule(this);
        }
    }
}
