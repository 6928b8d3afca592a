package dev.berth.launcher;

import dev.berth.core.ListenerConfig;
import dev.berth.core.launch.ModuleFactory;
import dev.berth.core.launch.ModuleOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where every flag lives: in which section of {@code --help} and under which key of the config file.
 * One table serves the help, the file reader, {@code --print-config} and the SIGHUP report, so a flag
 * cannot have a key in one and not the other.
 *
 * <p>The mapping: global flags are top-level keys ({@code data-dir}); {@code --tls-X} is {@code tls: {X}};
 * {@code --NAME-X} of a listener is {@code listeners: {NAME: {X}}}; a module's flag is under the module's
 * name, without the module's name as prefix when it has one ({@code --smtp-domains} is
 * {@code smtp: {domains}}, {@code --root} is {@code http: {root}}).
 */
final class ConfigLayout {
    /** The block of TLS flags and of listeners in the file. */
    static final String TLS = "tls";
    /** The block of ACME flags ({@code --acme-*}), beside the TLS block. */
    static final String ACME = "acme";
    static final String LISTENERS = "listeners";

    /** One part of the help and of the file: a title, the block path (empty at the top) and its flags. */
    record Section(String title, List<String> block, List<ModuleOption> options) {
    }

    private final List<Section> sections;
    private final Map<String, ModuleOption> byFlag = new LinkedHashMap<>();
    private final Map<String, String> keyOfFlag = new LinkedHashMap<>();
    private final Map<String, String> flagOfKey = new LinkedHashMap<>();
    private final Map<String, Section> sectionOfFlag = new LinkedHashMap<>();

    private ConfigLayout(List<Section> sections) {
        this.sections = List.copyOf(sections);
        for (Section s : sections) {
            for (ModuleOption o : s.options()) {
                byFlag.put(o.name(), o);
                String key = String.join(".", path(s, o));
                keyOfFlag.put(o.name(), key);
                flagOfKey.put(key, o.name());
                sectionOfFlag.put(o.name(), s);
            }
        }
    }

    /** The layout of the global options (the TLS ones among them) and of every module found. */
    static ConfigLayout of(List<ModuleOption> global, List<ModuleFactory> modules) {
        Map<String, Boolean> seen = new LinkedHashMap<>();
        List<Section> out = new ArrayList<>();
        List<ModuleOption> general = new ArrayList<>();
        List<ModuleOption> tls = new ArrayList<>();
        List<ModuleOption> acme = new ArrayList<>();
        for (ModuleOption o : global) {
            (o.name().startsWith(TLS + "-") ? tls : o.name().startsWith(ACME + "-") ? acme : general).add(o);
        }
        out.add(new Section("General", List.of(), fresh(general, seen)));
        out.add(new Section("TLS (every TLS listener): --tls-*", List.of(TLS), fresh(tls, seen)));
        if (!acme.isEmpty()) {
            out.add(new Section("ACME certificates (every TLS listener): --acme-*", List.of(ACME), fresh(acme, seen)));
        }
        List<Section> listeners = new ArrayList<>();
        for (ModuleFactory m : modules) {
            List<ModuleOption> own = fresh(m.options(), seen);
            if (!own.isEmpty()) {
                boolean prefixed = own.stream().allMatch(o -> o.name().startsWith(m.name() + "-"));
                out.add(new Section(m.name().toUpperCase(java.util.Locale.ROOT) + " module"
                        + (prefixed ? ": --" + m.name() + "-*" : ""), List.of(m.name()), own));
            }
            for (ListenerConfig l : m.defaultListeners()) {
                listeners.add(new Section("Listener " + l.name() + " (" + m.name() + "): --" + l.name() + "-*",
                        List.of(LISTENERS, l.name()), fresh(m.listenerOptions(l), seen)));
            }
        }
        out.addAll(listeners);
        return new ConfigLayout(out);
    }

    private static List<ModuleOption> fresh(List<ModuleOption> options, Map<String, Boolean> seen) {
        List<ModuleOption> out = new ArrayList<>();
        for (ModuleOption o : options) {
            if (seen.put(o.name(), Boolean.TRUE) == null) {
                out.add(o);
            }
        }
        return out;
    }

    /** The key path of a flag in its section: the block, then the flag without the block's own prefix. */
    private static List<String> path(Section s, ModuleOption o) {
        List<String> p = new ArrayList<>(s.block());
        String last = s.block().isEmpty() ? "" : s.block().get(s.block().size() - 1);
        String name = o.name();
        p.add(!last.isEmpty() && name.startsWith(last + "-") ? name.substring(last.length() + 1) : name);
        return p;
    }

    List<Section> sections() {
        return sections;
    }

    /** Every option, in help order. */
    List<ModuleOption> options() {
        return Collections.unmodifiableList(new ArrayList<>(byFlag.values()));
    }

    Optional<ModuleOption> option(String flag) {
        return Optional.ofNullable(byFlag.get(flag));
    }

    /** The section a flag is in. */
    Optional<Section> section(String flag) {
        return Optional.ofNullable(sectionOfFlag.get(flag));
    }

    /** The file key of a flag, dotted: {@code listeners.https.port}. */
    String key(String flag) {
        String k = keyOfFlag.get(flag);
        return k == null ? flag : k;
    }

    /** The flag a dotted file key sets, if any. */
    Optional<String> flag(String key) {
        return Optional.ofNullable(flagOfKey.get(key));
    }

    /** True when {@code path} (dotted) is a block of the file: {@code tls}, {@code listeners}, {@code listeners.https}. */
    boolean isBlock(String path) {
        String prefix = path + ".";
        return flagOfKey.keySet().stream().anyMatch(k -> k.startsWith(prefix));
    }

    /** Whether the flag takes a comma-separated list, which the file may also give as a YAML sequence. */
    static boolean isList(ModuleOption o) {
        return "LIST".equals(o.label()) || "CIDRS".equals(o.label());
    }
}
