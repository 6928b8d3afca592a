package dev.berth.smtp;

import dev.berth.core.BerthException;
import dev.berth.core.ListenerConfig;
import dev.berth.core.Transport;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ModuleOption;
import dev.berth.core.spi.ModuleSettings;
import dev.berth.core.spi.ProtocolModule;
import dev.berth.core.spi.ServerContext;
import dev.berth.core.tls.TlsMode;
import dev.berth.smtp.internal.SmtpFramer;
import io.netty.channel.ChannelPipeline;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code smtp} protocol module: an ESMTP receiver (STARTTLS, PIPELINING, SIZE, 8BITMIME,
 * ENHANCEDSTATUSCODES, SMTPUTF8, CHUNKING, AUTH) that hands each message to a
 * {@link SmtpMessageHandlerFactory}, by default a {@link MaildirStore} under the data directory.
 */
public final class SmtpModule implements ProtocolModule {
    private static final Logger log = LoggerFactory.getLogger(SmtpModule.class);
    private SmtpConfig config;
    private SmtpMessageHandlerFactory factory;
    private Path maildir;
    private MaildirLayout layout = MaildirLayout.SHARED;

    /** The module as the launcher finds it: configured by flags, storing into a Maildir. */
    public SmtpModule() {
        this(SmtpConfig.defaults(), null);
    }

    /** A module with its settings and message handler given in code; a null factory means a {@link MaildirStore}. */
    public SmtpModule(SmtpConfig config, SmtpMessageHandlerFactory factory) {
        this.config = config;
        this.factory = factory;
    }

    @Override
    public String name() {
        return "smtp";
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.TCP);
    }

    @Override
    public List<ListenerConfig> defaultListeners() {
        return List.of(
                ListenerConfig.tcp("smtp").port(2525).tlsMode(TlsMode.STARTTLS).build(),
                ListenerConfig.tcp("smtps").protocol("smtp").port(4465).tlsMode(TlsMode.IMPLICIT).build());
    }

    @Override
    public boolean enabledByDefault(String listenerName) {
        return !listenerName.equals("smtps");
    }

    @Override
    public List<ModuleOption> options() {
        return List.of(
                ModuleOption.of("smtp-hostname", "NAME", null, "Name in the SMTP greeting and Received: headers (default: this host's name)."),
                ModuleOption.of("smtp-maildir", "DIR", null, "Maildir root for received mail (default: DATA-DIR/maildir)."),
                ModuleOption.of("smtp-maildir-layout", "LAYOUT", "shared", "shared (one Maildir) or per-recipient (one Maildir per recipient)."),
                ModuleOption.of("smtp-max-message-size", "SIZE", "25m", "Largest message accepted (SIZE extension), e.g. 10m."),
                ModuleOption.of("smtp-max-recipients", "N", "100", "Recipients per message; more get 452 4.5.3."),
                ModuleOption.of("smtp-max-command-line", "OCTETS", "512", "Longest command line, CRLF included; longer gets 500 5.5.2."),
                ModuleOption.of("smtp-max-line-length", "OCTETS", "1000", "Longest message line, CRLF included; longer refuses the message."),
                ModuleOption.of("smtp-max-errors", "N", "10", "Error replies a session may earn before 421 and close."),
                ModuleOption.of("smtp-command-timeout", "DURATION", "5m", "Wait for a command before 421 4.4.2 and close."),
                ModuleOption.of("smtp-data-timeout", "DURATION", "10m", "Wait for message data before 421 4.4.2 and close."),
                ModuleOption.of("smtp-handler-timeout", "DURATION", "2m", "Wait for the message handler before 451 4.3.0 ends the transaction."),
                ModuleOption.of("smtp-require-tls", "BOOL", "false", "Refuse MAIL with 530 5.7.0 until STARTTLS (or on implicit TLS)."),
                ModuleOption.of("smtp-domains", "LIST", null, "Recipient domains accepted, comma-separated (default: all); others get 550 5.1.1."),
                ModuleOption.of("smtp-users", "FILE", null, "Users file (name:pbkdf2-sha256:...) enabling AUTH PLAIN LOGIN over TLS."));
    }

    @Override
    public void configure(ModuleSettings s) {
        SmtpConfig.Builder b = SmtpConfig.builder()
                .serverName(s.get("smtp-hostname").orElseGet(SmtpModule::localHostName))
                .maxMessageSize(s.size("smtp-max-message-size", config.maxMessageSize()))
                .maxRecipients(s.integer("smtp-max-recipients", config.maxRecipients()))
                .maxCommandLine(s.integer("smtp-max-command-line", config.maxCommandLine()))
                .maxTextLine(s.integer("smtp-max-line-length", config.maxTextLine()))
                .maxErrors(s.integer("smtp-max-errors", config.maxErrors()))
                .commandTimeout(s.duration("smtp-command-timeout", config.commandTimeout()))
                .dataTimeout(s.duration("smtp-data-timeout", config.dataTimeout()))
                .handlerTimeout(s.duration("smtp-handler-timeout", config.handlerTimeout()))
                .requireTls(s.bool("smtp-require-tls", config.requireTls()))
                .acceptedDomains(new HashSet<>(s.list("smtp-domains")));
        s.path("smtp-users").ifPresent(f -> b.authenticator(UsersFile.load(f)));
        try {
            config = b.build();
        } catch (BerthException e) {
            throw new BerthException("invalid SMTP setting: " + e.getMessage() + " (see --help for the --smtp-* flags)");
        }
        maildir = s.path("smtp-maildir").orElse(null);
        layout = s.choice("smtp-maildir-layout", MaildirLayout.class, MaildirLayout.SHARED);
    }

    @Override
    public void start(ServerContext server) {
        for (ListenerConfig l : server.listeners()) {
            // The server speaks first in SMTP, so there are no client bytes to sniff for a ClientHello.
            if (l.protocol().equals(name()) && l.tlsMode() == TlsMode.OPTIONAL) {
                throw new BerthException("--" + l.name() + "-tls optional cannot serve SMTP, whose server speaks first:"
                        + " use starttls, implicit or none");
            }
        }
        if (factory == null) {
            Path root = maildir != null ? maildir : server.dataDirectory().resolve("maildir");
            MaildirStore store = new MaildirStore(root, layout);
            try {
                store.prepare();
            } catch (IOException e) {
                throw new BerthException("cannot create the Maildir " + root + " (--smtp-maildir): " + e.getMessage());
            }
            factory = store;
            log.info("smtp stores mail in {} ({} layout)", root, layout.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        }
    }

    @Override
    public void initPipeline(ChannelPipeline pipeline, ConnectionContext connection) {
        SmtpFramer framer = SmtpSessionHandler.newFramer(config);
        pipeline.addLast(SmtpSessionHandler.FRAMER, framer);
        pipeline.addLast(SmtpSessionHandler.NAME, new SmtpSessionHandler(config, factory, connection, framer,
                connection.server().blockingExecutor()));
    }

    /** The settings in use. */
    public SmtpConfig config() {
        return config;
    }

    /** The message handler in use, once started. */
    public SmtpMessageHandlerFactory handlerFactory() {
        return factory;
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    @Override
    public String toString() {
        return "SmtpModule[" + config.serverName() + "]";
    }
}
