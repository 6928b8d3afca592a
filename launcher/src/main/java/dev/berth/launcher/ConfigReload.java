package dev.berth.launcher;

import dev.berth.core.BerthException;
import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.launch.ModuleOption;
import dev.berth.core.launch.ModuleSettings;
import dev.berth.core.spi.ProtocolModule;
import dev.berth.core.Transport;
import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsReload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * What SIGHUP does: reads the configuration again (file, environment and the same flags), and when
 * it is valid applies what a running server can take on: TLS material, listener limits, the log level
 * and modules' reloadable options (a reloadable file is read again even under an unchanged name, as the
 * TLS files are). Everything else changed is reported as needing a restart, in one
 * line; an invalid configuration is refused in one line and the running one stays.
 */
final class ConfigReload {
    private static final Logger log = LoggerFactory.getLogger(ConfigReload.class);
    /** The one TLS flag a running server keeps: the file watch is set up at start. */
    private static final String TLS_WATCH_INTERVAL = "tls-reload-interval";
    /** The listener flags {@link Server#updateLimits} applies, after {@code --NAME-}. */
    /** The value label of an option that names a file, which a reload reads again even when its name is unchanged. */
    private static final String FILE = "FILE";
    private static final Set<String> LIVE_LISTENER_FLAGS = Set.of(
            "max-connections", "max-connections-per-ip", "idle-timeout", "write-buffer-low", "write-buffer-high");

    private final Server server;
    private final Supplier<EffectiveSettings> reread;
    private final Function<ModuleSettings, Server> plan;
    private EffectiveSettings running;

    /**
     * @param reread the settings read again, as at start; throws on a bad file or value
     * @param plan   the server the settings describe, built but not started: every value checked
     */
    ConfigReload(Server server, EffectiveSettings running, Supplier<EffectiveSettings> reread,
                 Function<ModuleSettings, Server> plan) {
        this.server = server;
        this.running = running;
        this.reread = reread;
        this.plan = plan;
    }

    /** Re-reads and applies; returns the one line it also logs. */
    synchronized String reload() {
        String name = running.file().map(f -> f.path().toString()).orElse("the flags and environment");
        EffectiveSettings next;
        Server planned;
        try {
            next = reread.get();
        } catch (BerthException | CommandLine.ParameterException e) {
            return refused(name, e.getMessage());
        }
        try {
            planned = plan.apply(next.settings());
            LogSetup.level(next.settings().string("log-level", "info"));
        } catch (BerthException e) {
            return refused(name, next.describe(e));
        }
        Map<String, String> merged = new LinkedHashMap<>(running.values());
        List<String> applied = new ArrayList<>();
        Set<String> restart = new LinkedHashSet<>();
        ConfigLayout layout = next.layout();
        Set<String> changed = new LinkedHashSet<>();
        for (ModuleOption o : layout.options()) {
            if (!Objects.equals(running.values().get(o.name()), next.values().get(o.name()))) {
                changed.add(o.name());
            }
        }
        try {
            tls(next, planned, changed, applied, restart, merged);
        } catch (BerthException e) {
            return refused(name, next.describe(e));
        }
        for (String flag : List.copyOf(changed)) {
            if (flag.equals("log-level")) {
                LogSetup.apply(next.settings().string("log-level", "info"),
                        next.source("log-level") != EffectiveSettings.Source.DEFAULT, "text", false);
                applied.add(layout.key(flag));
                adopt(merged, next, flag);
                changed.remove(flag);
            }
        }
        listeners(next, planned, changed, applied, merged);
        modules(next, planned, changed, applied, restart, merged);
        changed.forEach(f -> restart.add(layout.key(f)));
        running = new EffectiveSettings(layout, next.file(), merged, Map.of());
        String line = "reloaded " + name + ": " + (applied.isEmpty() ? "applied nothing" : "applied " + String.join(", ", applied))
                + (restart.isEmpty() ? "" : "; needs restart: " + String.join(", ", restart));
        log.info(line);
        return line;
    }

    private static String refused(String name, String why) {
        String line = "reload of " + name + " refused, the running configuration stays: " + why;
        log.error(line);
        return line;
    }

    /**
     * New TLS settings (file names, policy, ...) are loaded for every TLS listener and switched in for
     * new connections; without such a change the material is read again from the same files (their
     * content may have changed). Only the file watch's interval needs a restart. Bad new material
     * refuses the whole reload, before anything else is applied.
     */
    private void tls(EffectiveSettings next, Server planned, Set<String> changed, List<String> applied,
                     Set<String> restart, Map<String, String> merged) {
        ConfigLayout layout = next.layout();
        List<String> tlsFlags = changed.stream()
                .filter(f -> layout.section(f).map(s -> s.block().equals(List.of(ConfigLayout.TLS))).orElse(false)).toList();
        changed.removeAll(tlsFlags);
        List<String> live = tlsFlags.stream().filter(f -> !f.equals(TLS_WATCH_INTERVAL)).toList();
        tlsFlags.stream().filter(f -> f.equals(TLS_WATCH_INTERVAL)).forEach(f -> restart.add(layout.key(f)));
        Optional<TlsConfig> updated = planned.config().listeners().stream()
                .filter(l -> l.transport() == Transport.TCP).map(ListenerConfig::tls).findFirst();
        if (!live.isEmpty() && updated.isPresent()) {
            List<String> switched = server.updateTls(updated.get());
            for (String f : live) {
                if (switched.isEmpty()) {
                    restart.add(layout.key(f)); // no listener serves TLS now: the value waits for a restart
                } else {
                    applied.add(layout.key(f));
                    adopt(merged, next, f);
                }
            }
            return;
        }
        live.forEach(f -> restart.add(layout.key(f)));
        List<TlsReload> reloads = server.reloadTls();
        if (!reloads.isEmpty()) {
            boolean ok = reloads.stream().allMatch(TlsReload::reloaded);
            applied.add(ok ? "tls" : "tls (failed, previous certificates kept: "
                    + reloads.stream().filter(r -> !r.reloaded()).map(r -> r.failure().orElse("?")).findFirst().orElse("?") + ")");
        }
    }

    private void listeners(EffectiveSettings next, Server planned, Set<String> changed, List<String> applied,
                           Map<String, String> merged) {
        for (ListenerConfig l : server.config().listeners()) {
            Optional<ListenerConfig> updated = planned.config().listeners().stream()
                    .filter(x -> x.name().equals(l.name())).findFirst();
            List<String> live = changed.stream().filter(f -> f.startsWith(l.name() + "-")
                    && LIVE_LISTENER_FLAGS.contains(f.substring(l.name().length() + 1))).toList();
            if (live.isEmpty() || updated.isEmpty() || !server.updateLimits(l.name(), updated.get().limits())) {
                continue;
            }
            for (String f : live) {
                applied.add(next.layout().key(f));
                adopt(merged, next, f);
                changed.remove(f);
            }
        }
    }

    private void modules(EffectiveSettings next, Server planned, Set<String> changed, List<String> applied,
                         Set<String> restart, Map<String, String> merged) {
        ConfigLayout layout = next.layout();
        for (ProtocolModule m : planned.config().modules().values()) {
            List<String> reloadable = changed.stream()
                    .filter(f -> layout.section(f).map(s -> s.block().equals(List.of(m.name()))).orElse(false))
                    .filter(f -> layout.option(f).map(ModuleOption::isReloadable).orElse(false)).toList();
            // A reloadable file named by an unchanged flag may have new content (a users file edited in
            // place): the module made from the settings just read it, so it is handed over on every reload.
            List<String> files = layout.options().stream()
                    .filter(o -> o.isReloadable() && FILE.equals(o.label()) && !reloadable.contains(o.name()))
                    .filter(o -> layout.section(o.name()).map(s -> s.block().equals(List.of(m.name()))).orElse(false))
                    .filter(o -> next.values().get(o.name()) != null)
                    .map(ModuleOption::name).toList();
            if (reloadable.isEmpty() && files.isEmpty()) {
                continue;
            }
            boolean took;
            try {
                took = server.reconfigure(m);
            } catch (BerthException e) {
                log.error("module {} refused its new settings, keeping the old: {}", m.name(), next.describe(e));
                took = false;
            }
            for (String f : reloadable) {
                (took ? applied : restart).add(layout.key(f));
                if (took) {
                    adopt(merged, next, f);
                }
                changed.remove(f);
            }
            if (took) {
                files.forEach(f -> applied.add(layout.key(f) + " (re-read)"));
            }
        }
    }

    /** The running settings now have the new value of this flag; the others stay, so they are reported again. */
    private static void adopt(Map<String, String> merged, EffectiveSettings next, String flag) {
        String v = next.values().get(flag);
        if (v == null) {
            merged.remove(flag);
        } else {
            merged.put(flag, v);
        }
    }
}
