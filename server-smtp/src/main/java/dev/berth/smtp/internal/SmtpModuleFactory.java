package dev.berth.smtp.internal;

import dev.berth.core.BerthException;
import dev.berth.core.ListenerConfig;
import dev.berth.core.launch.ModuleFactory;
import dev.berth.core.launch.ModuleOption;
import dev.berth.core.launch.ModuleSettings;
import dev.berth.core.spi.ProtocolModule;
import dev.berth.core.tls.TlsMode;
import dev.berth.smtp.MaildirLayout;
import dev.berth.smtp.SmtpConfig;
import dev.berth.smtp.SmtpModule;
import dev.berth.smtp.SmtpStoreProvider;
import dev.berth.smtp.UsersFile;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The SMTP module on the command line: {@code smtp} (STARTTLS) on 2525, {@code smtps} (implicit TLS,
 * off unless enabled) on 4465, and the {@code --smtp-*} flags.
 */
public final class SmtpModuleFactory implements ModuleFactory {
    /** The store {@code --smtp-store} names by default, and the one always present. */
    static final String MAILDIR = "maildir";

    private final List<SmtpStoreProvider> stores;

    /** The factory with every store provider on the class path (see {@link SmtpStoreProvider}). */
    public SmtpModuleFactory() {
        this(ServiceLoader.load(SmtpStoreProvider.class, SmtpModuleFactory.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).collect(Collectors.toList()));
    }

    /** The factory with these store providers beside the Maildir. */
    public SmtpModuleFactory(List<SmtpStoreProvider> stores) {
        this.stores = List.copyOf(stores);
    }

    @Override
    public String name() {
        return SmtpModule.NAME;
    }

    @Override
    public List<ListenerConfig> defaultListeners() {
        return List.of(
                ListenerConfig.tcp("smtp").port(2525).tlsMode(TlsMode.STARTTLS).build(),
                ListenerConfig.tcp("smtps").protocol(SmtpModule.NAME).port(4465).tlsMode(TlsMode.IMPLICIT).build());
    }

    @Override
    public boolean enabledByDefault(String listenerName) {
        return !listenerName.equals("smtps");
    }

    @Override
    public List<ModuleOption> options() {
        SmtpConfig d = SmtpConfig.defaults();
        List<ModuleOption> options = new ArrayList<>(List.of(
                ModuleOption.of("smtp-hostname", "NAME", null, "Name in the SMTP greeting and Received: headers (default: this host's name)."),
                ModuleOption.of("smtp-maildir", "DIR", null, "Maildir root for received mail (default: DATA-DIR/maildir)."),
                ModuleOption.of("smtp-maildir-layout", "LAYOUT", "shared", "shared (one Maildir) or per-recipient (one Maildir per recipient)."),
                ModuleOption.of("smtp-max-message-size", "SIZE", "25m", "Largest message accepted (SIZE extension), e.g. 10m."),
                ModuleOption.of("smtp-max-recipients", "N", String.valueOf(d.maxRecipients()), "Recipients per message; more get 452 4.5.3."),
                ModuleOption.of("smtp-max-command-line", "OCTETS", String.valueOf(d.maxCommandLine()),
                        "Longest command line, CRLF included; longer gets 500 5.5.2."),
                ModuleOption.of("smtp-max-line-length", "OCTETS", String.valueOf(d.maxTextLine()),
                        "Longest message line, CRLF included; longer refuses the message."),
                ModuleOption.of("smtp-max-errors", "N", String.valueOf(d.maxErrors()), "Error replies a session may earn before 421 and close."),
                ModuleOption.of("smtp-command-timeout", "DURATION", "5m", "Wait for a command before 421 4.4.2 and close."),
                ModuleOption.of("smtp-data-timeout", "DURATION", "10m", "Wait for message data before 421 4.4.2 and close."),
                ModuleOption.of("smtp-handler-timeout", "DURATION", "2m", "Wait for the message handler before 451 4.3.0 ends the transaction."),
                ModuleOption.of("smtp-require-tls", "BOOL", "false", "Refuse MAIL with 530 5.7.0 until STARTTLS (or on implicit TLS)."),
                ModuleOption.of("smtp-domains", "LIST", null,
                        "Recipient domains accepted, comma-separated (default: all); others get 550 5.1.1. Reloadable.")
                        .reloadable(),
                ModuleOption.of("smtp-users", "FILE", null, "Users file enabling AUTH PLAIN LOGIN over TLS: lines from"
                        + " htpasswd -B, doveadm pw (BLF-CRYPT, SHA512-CRYPT, ARGON2ID) or Berth's pbkdf2-sha256."
                        + " Re-read on reload.").reloadable(),
                ModuleOption.of("smtp-store", "STORE", MAILDIR, "Where accepted mail goes: " + storeNames()
                        + (stores.isEmpty() ? "; server-smtp-kafka.jar adds kafka." : "."))));
        for (SmtpStoreProvider p : stores) {
            options.addAll(p.options());
        }
        return options;
    }

    private String storeNames() {
        List<String> names = new ArrayList<>(List.of(MAILDIR + " (default)"));
        stores.forEach(p -> names.add(p.name()));
        return String.join(", ", names);
    }

    @Override
    public ProtocolModule create(ModuleSettings s) {
        SmtpConfig d = SmtpConfig.defaults();
        SmtpConfig.Builder b = SmtpConfig.builder()
                .serverName(s.get("smtp-hostname").orElseGet(SmtpModuleFactory::localHostName))
                .maxMessageSize(s.size("smtp-max-message-size", d.maxMessageSize()))
                .maxRecipients(s.integer("smtp-max-recipients", d.maxRecipients()))
                .maxCommandLine(s.integer("smtp-max-command-line", d.maxCommandLine()))
                .maxTextLine(s.integer("smtp-max-line-length", d.maxTextLine()))
                .maxErrors(s.integer("smtp-max-errors", d.maxErrors()))
                .commandTimeout(s.duration("smtp-command-timeout", d.commandTimeout()))
                .dataTimeout(s.duration("smtp-data-timeout", d.dataTimeout()))
                .handlerTimeout(s.duration("smtp-handler-timeout", d.handlerTimeout()))
                .requireTls(s.bool("smtp-require-tls", d.requireTls()))
                .acceptedDomains(new HashSet<>(s.list("smtp-domains")));
        s.path("smtp-users").ifPresent(f -> b.authenticator(UsersFile.load(f)));
        SmtpConfig config;
        try {
            config = b.build();
        } catch (BerthException e) {
            throw new BerthException("invalid SMTP setting: " + e.getMessage() + " (see --help for the --smtp-* flags)");
        }
        SmtpModule.Builder module = SmtpModule.builder().config(config)
                .maildirLayout(s.choice("smtp-maildir-layout", MaildirLayout.class, MaildirLayout.SHARED));
        s.path("smtp-maildir").ifPresent(module::maildir);
        String store = s.string("smtp-store", MAILDIR).trim().toLowerCase(Locale.ROOT);
        if (!store.equals(MAILDIR)) {
            module.store(provider(store).create(s));
        }
        return module.build();
    }

    private SmtpStoreProvider provider(String name) {
        for (SmtpStoreProvider p : stores) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        String hint = name.equals("kafka") ? " (the Kafka store is in server-smtp-kafka.jar, not in this jar)" : "";
        throw new BerthException("invalid value for --smtp-store: '" + name + "' is not a store on the class path;"
                + " available: " + storeNames().replace(" (default)", "") + hint);
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
