package dev.berth.launcher;

import ch.qos.logback.classic.Level;
import dev.berth.core.BerthException;
import dev.berth.core.IoTransport;
import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.ServerBuilder;
import dev.berth.core.launch.AdminOptions;
import dev.berth.core.launch.ListenerOptions;
import dev.berth.core.launch.ModuleFactory;
import dev.berth.core.launch.ModuleOption;
import dev.berth.core.launch.ModuleSettings;
import dev.berth.core.launch.TlsOptions;
import dev.berth.core.tls.TlsConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The {@code main} of every runnable Berth jar: starts the protocol modules found on the class path
 * (their {@link ModuleFactory}s, or those named by {@code --protocols}) on their listeners, and stops
 * gracefully on SIGTERM or SIGINT. It is the only place that knows flags, environment variables and
 * the logging backend; the runtime it builds ({@link Server}) knows none of them.
 *
 * <p>Every flag also reads {@code BERTH_} plus its name in upper snake case from the environment.
 * A bad flag or a listener that cannot bind ends the process with one line on standard error and a
 * non-zero exit code: 2 for bad configuration, 1 when the server cannot start.
 */
public final class Launcher {
    private static final Logger log = LoggerFactory.getLogger(Launcher.class);

    /** Exit code for a bad flag, environment variable or file. */
    public static final int EXIT_CONFIG = 2;
    /** Exit code for a server that cannot start (an address in use, say). */
    public static final int EXIT_START = 1;

    private Launcher() {
    }

    public static void main(String[] args) {
        Launch launch = launch(args, System.out, System.err);
        if (launch.server == null) {
            System.exit(launch.exitCode);
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onStop(stop::countDown);
        Signals.onHangUp(launch.server::reloadTls);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (stop.getCount() > 0) {
                launch.server.stop();
            }
        }, "berth-shutdown"));
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        launch.server.stop();
        System.exit(0);
    }

    /** What {@link #launch} did: a started server, or an exit code after help, version or an error. */
    public static final class Launch {
        public final Server server;
        public final int exitCode;

        Launch(Server server, int exitCode) {
            this.server = server;
            this.exitCode = exitCode;
        }
    }

    /** Parses the flags and starts the server; prints help, version or a one-line error instead. */
    public static Launch launch(String[] args, PrintStream out, PrintStream err) {
        List<ModuleFactory> found = new ArrayList<>();
        ServiceLoader.load(ModuleFactory.class).forEach(found::add);
        CommandSpec spec = spec(found);
        CommandLine cl = new CommandLine(spec);
        cl.setDefaultValueProvider(arg -> arg instanceof OptionSpec
                ? System.getenv(ModuleOption.environmentVariable(((OptionSpec) arg).longestName().substring(2)))
                : null);
        ParseResult parsed;
        try {
            parsed = cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            err.println("berth: " + e.getMessage() + " (see --help)");
            return new Launch(null, EXIT_CONFIG);
        }
        if (cl.isUsageHelpRequested()) {
            cl.usage(out);
            return new Launch(null, 0);
        }
        if (cl.isVersionHelpRequested()) {
            cl.printVersionHelp(out);
            return new Launch(null, 0);
        }
        try {
            ModuleSettings settings = settings(spec);
            setLogLevel(settings.string("log-level", "info"));
            Server server = build(found, settings).start();
            return new Launch(server, 0);
        } catch (BerthException e) {
            boolean start = e.getMessage() != null && e.getMessage().startsWith("listener ")
                    && e.getMessage().contains("cannot bind");
            err.println("berth: " + e.getMessage() + SettingFlags.hint(e, spec));
            log.debug("start-up failed", e);
            return new Launch(null, start ? EXIT_START : EXIT_CONFIG);
        } catch (RuntimeException e) {
            err.println("berth: cannot start: " + e + " (--log-level debug shows where)");
            log.debug("start-up failed", e);
            return new Launch(null, EXIT_START);
        }
    }

    private static List<ModuleOption> globalOptions() {
        List<ModuleOption> o = new ArrayList<>();
        o.add(ModuleOption.of("protocols", "LIST", null, "Protocol modules to serve, e.g. echo,http (default: all found)."));
        o.add(ModuleOption.of("host", "ADDR", "0.0.0.0", "Address every listener binds unless its --NAME-host says otherwise."));
        o.add(ModuleOption.of("data-dir", "DIR", "berth-data", "Data directory: generated certificates, mail."));
        o.add(ModuleOption.of("ready-file", "FILE", null,
                "Write a JSON map of listener names to real addresses here once all are bound."));
        o.add(ModuleOption.of("transport", "KIND", "auto", "I/O engine: auto (epoll if it loads, else nio), epoll, io-uring or nio."));
        o.add(ModuleOption.of("event-loop-threads", "N", "0", "Event-loop threads; 0 means two per core."));
        o.add(ModuleOption.of("shutdown-timeout", "DURATION", "10s", "How long a graceful stop waits for work in flight."));
        o.add(ModuleOption.of("log-level", "LEVEL", "info", "trace, debug, info, warn or error."));
        o.addAll(TlsOptions.options());
        o.addAll(AdminOptions.options());
        return o;
    }

    private static CommandSpec spec(List<ModuleFactory> modules) {
        CommandSpec spec = CommandSpec.create().name("berth").mixinStandardHelpOptions(true)
                .version("Berth " + version());
        spec.usageMessage()
                .description("Serves the protocol modules on the class path: "
                        + String.join(", ", modules.stream().map(ModuleFactory::name).toArray(String[]::new)) + ".",
                        "Every flag can also be set with the environment variable BERTH_<FLAG> "
                                + "(upper snake case, e.g. --echo-port is BERTH_ECHO_PORT).")
                .showDefaultValues(true)
                .abbreviateSynopsis(true)
                .sortOptions(false);
        List<ModuleOption> all = new ArrayList<>(globalOptions());
        for (ModuleFactory m : modules) {
            all.addAll(m.options());
            for (ListenerConfig l : m.defaultListeners()) {
                all.addAll(ListenerOptions.options(l, m.enabledByDefault(l.name())));
            }
        }
        Map<String, Boolean> seen = new HashMap<>();
        for (ModuleOption o : all) {
            if (seen.put(o.name(), Boolean.TRUE) != null) {
                continue;
            }
            OptionSpec.Builder b = OptionSpec.builder("--" + o.name()).type(String.class).arity("1")
                    .paramLabel(o.label()).description(o.description());
            if (o.secret()) {
                b.showDefaultValue(CommandLine.Help.Visibility.NEVER).interactive(false);
            } else if (o.defaultValue() != null) {
                b.defaultValue(o.defaultValue());
            }
            spec.addOption(b.build());
        }
        return spec;
    }

    private static ModuleSettings settings(CommandSpec spec) {
        Map<String, String> values = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            Object v = o.getValue();
            if (v != null && o.longestName().startsWith("--")) {
                values.put(o.longestName().substring(2), v.toString());
            }
        }
        return new ModuleSettings(values);
    }

    /** The server the settings describe: selected modules, configured, on their listeners. */
    static Server build(List<ModuleFactory> found, ModuleSettings s) {
        List<String> wanted = s.list("protocols");
        List<ModuleFactory> selected = new ArrayList<>();
        for (String name : wanted) {
            ModuleFactory m = found.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(() ->
                    ModuleSettings.bad("protocols", name, "a protocol module on the class path ("
                            + String.join(", ", found.stream().map(ModuleFactory::name).toArray(String[]::new)) + ")"));
            selected.add(m);
        }
        if (wanted.isEmpty()) {
            selected.addAll(found);
        }
        if (selected.isEmpty()) {
            throw new BerthException("no protocol modules found on the class path");
        }
        TlsConfig tls = TlsOptions.fromSettings(s);
        String host = s.string("host", "0.0.0.0");
        ServerBuilder b = Server.builder()
                .dataDirectory(Path.of(s.string("data-dir", "berth-data")))
                .ioTransport(s.choice("transport", IoTransport.class, IoTransport.AUTO))
                .eventLoopThreads(s.integer("event-loop-threads", 0))
                .shutdownTimeout(s.duration("shutdown-timeout", Duration.ofSeconds(10)));
        s.path("ready-file").ifPresent(b::readyFile);
        b.admin(AdminOptions.fromSettings(s));
        int listeners = 0;
        for (ModuleFactory m : selected) {
            b.module(m.create(s));
            for (ListenerConfig l : m.defaultListeners()) {
                ListenerConfig applied = ListenerOptions.apply(l, s, host, tls);
                if (applied != null && s.bool(l.name() + "-enabled", m.enabledByDefault(l.name()))) {
                    b.listener(applied);
                    listeners++;
                }
            }
        }
        if (listeners == 0) {
            throw new BerthException("every listener is disabled; enable one with --NAME-enabled true");
        }
        return b.build();
    }

    private static void setLogLevel(String level) {
        String l = level.toUpperCase(Locale.ROOT);
        if (!List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF").contains(l)) {
            throw ModuleSettings.bad("log-level", level, "one of trace, debug, info, warn, error, off");
        }
        org.slf4j.Logger root = LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger) {
            ((ch.qos.logback.classic.Logger) root).setLevel(Level.toLevel(l));
        }
    }

    private static String version() {
        String v = Launcher.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }
}
