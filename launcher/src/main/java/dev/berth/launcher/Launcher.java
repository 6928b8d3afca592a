package dev.berth.launcher;

import dev.berth.core.BerthException;
import dev.berth.core.IoTransport;
import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.ServerBuilder;
import dev.berth.core.launch.AdminOptions;
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
import java.util.Optional;
import java.util.function.Function;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
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
 * <p>Every flag also reads {@code BERTH_} plus its name in upper snake case from the environment, and
 * a key of the {@code --config} YAML file (see {@code docs/configuration.md}); SIGHUP re-reads them.
 * A bad flag or a listener that cannot bind ends the process with one line on standard error and a
 * non-zero exit code: 2 for bad configuration, 1 when the server cannot start. After SIGTERM or SIGINT
 * the exit code is 0 when every connection finished within the drain deadline, 3 when the deadline cut some.
 */
public final class Launcher {
    /** The flags that are no config file keys: the file itself, and printing the effective configuration. */
    static final String CONFIG = "config";
    static final String PRINT_CONFIG = "print-config";

    /** Exit code for a bad flag, environment variable or file. */
    public static final int EXIT_CONFIG = 2;
    /** Exit code for a server that cannot start (an address in use, say). */
    public static final int EXIT_START = 1;
    /** Exit code after SIGTERM or SIGINT when the drain deadline cut connections still at work (0 when it cut none). */
    public static final int EXIT_DRAIN_CUT = 3;

    private Launcher() {
    }

    public static void main(String[] args) {
        // Handlers first: a SIGTERM right after the ready file is written must stop gracefully, not race them.
        CountDownLatch stop = new CountDownLatch(1);
        AtomicReference<ConfigReload> reload = new AtomicReference<>();
        Signals.onStop(stop::countDown);
        Signals.onHangUp(() -> Optional.ofNullable(reload.get()).ifPresent(ConfigReload::reload));
        Launch launch = launch(args, System.out, System.err);
        if (launch.server == null) {
            System.exit(launch.exitCode);
        }
        reload.set(launch.reload);
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
        System.exit(launch.server.stop() ? 0 : EXIT_DRAIN_CUT);
    }

    /** What {@link #launch} did: a started server, or an exit code after help, version or an error. */
    public static final class Launch {
        public final Server server;
        public final int exitCode;
        /** What SIGHUP does to the started server: re-read the configuration and apply what can change. */
        final ConfigReload reload;

        Launch(Server server, int exitCode) {
            this(server, exitCode, null);
        }

        Launch(Server server, int exitCode, ConfigReload reload) {
            this.server = server;
            this.exitCode = exitCode;
            this.reload = reload;
        }
    }

    /** Parses the flags and starts the server; prints help, version or a one-line error instead. */
    public static Launch launch(String[] args, PrintStream out, PrintStream err) {
        return launch(args, System::getenv, out, err);
    }

    /** {@link #launch(String[], PrintStream, PrintStream)} with the environment given, for tests. */
    static Launch launch(String[] args, Function<String, String> env, PrintStream out, PrintStream err) {
        Optional<String> logging = LogSetup.checkBeforeLogging();
        if (logging.isPresent()) {
            err.println("berth: " + logging.get());
            return new Launch(null, EXIT_CONFIG);
        }
        List<ModuleFactory> found = new ArrayList<>();
        ServiceLoader.load(ModuleFactory.class).forEach(found::add);
        ConfigLayout layout = ConfigLayout.of(globalOptions(), found);
        CommandSpec spec = spec(layout, found);
        Resolved resolved;
        try {
            resolved = resolve(args, env, layout, spec);
        } catch (CommandLine.ParameterException e) {
            err.println("berth: " + e.getMessage() + " (see --help)");
            return new Launch(null, EXIT_CONFIG);
        } catch (BerthException e) {
            err.println("berth: " + e.getMessage());
            return new Launch(null, EXIT_CONFIG);
        }
        CommandLine cl = resolved.commandLine;
        if (cl.isUsageHelpRequested()) {
            cl.usage(out);
            return new Launch(null, 0);
        }
        if (cl.isVersionHelpRequested()) {
            cl.printVersionHelp(out);
            return new Launch(null, 0);
        }
        EffectiveSettings effective = resolved.settings;
        if (resolved.printConfig) {
            out.print(ConfigPrinter.print(effective));
            return new Launch(null, 0);
        }
        Optional<String> loggingErrors = LogSetup.configurationErrors();
        if (loggingErrors.isPresent()) {
            err.println("berth: " + loggingErrors.get());
            return new Launch(null, EXIT_CONFIG);
        }
        try {
            ModuleSettings settings = effective.settings();
            LogSetup.apply(settings.string("log-level", "info"),
                    effective.source("log-level") != EffectiveSettings.Source.DEFAULT,
                    settings.string("log-format", "text"),
                    effective.source("log-format") != EffectiveSettings.Source.DEFAULT);
            Server server = build(found, settings).start();
            return new Launch(server, 0, new ConfigReload(server, effective,
                    () -> resolve(args, env, layout, spec(layout, found)).settings,
                    s -> build(found, s)));
        } catch (BerthException e) {
            boolean start = e.getMessage() != null && e.getMessage().startsWith("listener ")
                    && e.getMessage().contains("cannot bind");
            err.println("berth: " + effective.describe(e));
            log().debug("start-up failed", e);
            return new Launch(null, start ? EXIT_START : EXIT_CONFIG);
        } catch (RuntimeException e) {
            err.println("berth: cannot start: " + e + " (--log-level debug shows where)");
            log().debug("start-up failed", e);
            return new Launch(null, EXIT_START);
        }
    }

    /** The parsed command line and the settings it and the environment and the config file give. */
    private record Resolved(CommandLine commandLine, EffectiveSettings settings, boolean printConfig) {
    }

    /**
     * Reads the config file ({@code --config} or {@code BERTH_CONFIG}) and parses the flags with
     * precedence flag, then environment, then file, then default; what SIGHUP runs again.
     */
    private static Resolved resolve(String[] args, Function<String, String> env, ConfigLayout layout, CommandSpec spec) {
        Optional<ConfigFile> file = configPath(args, env).map(p -> ConfigFile.load(p, layout));
        CommandLine cl = new CommandLine(spec);
        GroupedHelp.install(cl, layout);
        cl.setDefaultValueProvider(arg -> {
            // --help and --version take no value from the environment: BERTH_VERSION=1.4.0 set for other reasons
            // must not stop the start
            if (!(arg instanceof OptionSpec o) || !o.longestName().startsWith("--") || o.usageHelp() || o.versionHelp()) {
                return null;
            }
            String name = o.longestName().substring(2);
            String fromEnv = env.apply(ModuleOption.environmentVariable(name));
            if (fromEnv != null) {
                return fromEnv;
            }
            return file.flatMap(f -> f.entry(name)).map(ConfigFile.Entry::value).orElse(null);
        });
        ParseResult parsed = cl.parseArgs(args);
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, EffectiveSettings.Source> sources = new HashMap<>();
        for (ModuleOption o : layout.options()) {
            OptionSpec spec1 = spec.findOption("--" + o.name());
            Object v = spec1 == null ? null : spec1.getValue();
            if (v != null) {
                values.put(o.name(), v.toString());
            }
            sources.put(o.name(), parsed.hasMatchedOption("--" + o.name()) ? EffectiveSettings.Source.FLAG
                    : env.apply(ModuleOption.environmentVariable(o.name())) != null ? EffectiveSettings.Source.ENVIRONMENT
                    : file.flatMap(f -> f.entry(o.name())).isPresent() ? EffectiveSettings.Source.FILE
                    : EffectiveSettings.Source.DEFAULT);
        }
        boolean print = parsed.hasMatchedOption("--" + PRINT_CONFIG);
        return new Resolved(cl, new EffectiveSettings(layout, file, values, sources), print);
    }

    /** {@code --config FILE} or {@code --config=FILE} among the arguments, else {@code BERTH_CONFIG}. */
    private static Optional<Path> configPath(String[] args, Function<String, String> env) {
        String flag = "--" + CONFIG;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(flag) && i + 1 < args.length) {
                return Optional.of(Path.of(args[i + 1]));
            }
            if (args[i].startsWith(flag + "=")) {
                return Optional.of(Path.of(args[i].substring(flag.length() + 1)));
            }
        }
        return Optional.ofNullable(env.apply(ModuleOption.environmentVariable(CONFIG))).filter(s -> !s.isBlank())
                .map(Path::of);
    }

    static List<ModuleOption> globalOptions() {
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
        o.add(ModuleOption.of("log-format", "FORMAT", "text",
                "Console log format: text, or json (logback's JSON encoder, key-value pairs as keys)."));
        o.addAll(TlsOptions.options());
        o.addAll(AdminOptions.options());
        return o;
    }

    private static CommandSpec spec(ConfigLayout layout, List<ModuleFactory> modules) {
        CommandSpec spec = CommandSpec.create().name("berth").version("Berth " + version());
        // a value such as "${HOME}/x" from the file or environment is taken as written, not expanded by picocli
        spec.interpolateVariables(false);
        // picocli's standard help mixin names its options through variables, which would show as written
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        spec.usageMessage()
                .description("Serves the protocol modules on the class path: "
                        + String.join(", ", modules.stream().map(ModuleFactory::name).toArray(String[]::new)) + ".",
                        "Every flag can also be set with the environment variable BERTH_<FLAG> "
                                + "(upper snake case, e.g. --echo-port is BERTH_ECHO_PORT), or in the --config file "
                                + "under the key its help names. A flag wins over its variable, which wins over the file.")
                .showDefaultValues(true)
                .abbreviateSynopsis(true)
                .sortOptions(false)
                .width(110);
        spec.addOption(OptionSpec.builder("--" + CONFIG).type(String.class).arity("1").paramLabel("FILE")
                .description("YAML configuration file whose keys mirror the flags (see docs/configuration.md).",
                        "Env: " + ModuleOption.environmentVariable(CONFIG)).build());
        spec.addOption(OptionSpec.builder("--" + PRINT_CONFIG).arity("0")
                .description("Print the effective configuration as a config file (secrets masked) and exit.").build());
        for (ModuleOption o : layout.options()) {
            OptionSpec.Builder b = OptionSpec.builder("--" + o.name()).type(String.class).arity("1")
                    .paramLabel(o.label()).description(o.description(),
                            "Env: " + o.environmentVariable() + "  File: " + layout.key(o.name())
                                    + (o.isReloadable() ? "  (SIGHUP applies it)" : ""));
            if (o.secret()) {
                b.showDefaultValue(CommandLine.Help.Visibility.NEVER).interactive(false);
            } else if (o.defaultValue() != null) {
                b.defaultValue(o.defaultValue());
            }
            spec.addOption(b.build());
        }
        return spec;
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
                if (m.enabled(l.name(), s)) {
                    b.listener(m.listener(l, s, host, tls));
                    listeners++;
                }
            }
        }
        if (listeners == 0) {
            throw new BerthException("every listener is disabled; enable one with --NAME-enabled true");
        }
        return b.build();
    }

    /** Looked up when first needed, not at class load: a custom logback file is checked before logback reads it. */
    private static Logger log() {
        return LoggerFactory.getLogger(Launcher.class);
    }

    private static String version() {
        String v = Launcher.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }
}
