package dev.berth.launcher;

import dev.berth.core.BerthException;
import dev.berth.core.launch.ModuleOption;
import dev.berth.core.launch.ModuleSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A {@code --config} YAML file read into flag values, each with the line it came from. It is read as
 * YAML's node tree rather than into Java objects, so that every error, here or later when a module
 * refuses the value, names the file, the line and the key: {@code berth.yaml:12: listeners.mx.port: ...}.
 */
final class ConfigFile {
    /** A value of the file: the flag it sets, its text, and where it was written. */
    record Entry(String flag, String key, String value, int line) {
    }

    private final Path path;
    private final Map<String, Entry> entries;

    private ConfigFile(Path path, Map<String, Entry> entries) {
        this.path = path;
        this.entries = Map.copyOf(entries);
    }

    Path path() {
        return path;
    }

    /** The file's value of a flag, when it sets it. */
    Optional<Entry> entry(String flag) {
        return Optional.ofNullable(entries.get(flag));
    }

    /** {@code berth.yaml:12: listeners.mx.port: } in front of a message about this entry. */
    String where(Entry e) {
        return path + ":" + e.line() + ": " + e.key() + ": ";
    }

    /** Reads the file; anything the layout does not know, or a value of the wrong shape, fails naming its line. */
    static ConfigFile load(Path path, ConfigLayout layout) {
        Node root;
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            LoadSettings settings = LoadSettings.builder().setLabel(path.toString()).setAllowDuplicateKeys(false).build();
            root = new Compose(settings).composeReader(r).orElse(null);
        } catch (IOException e) {
            throw new BerthException("--config " + path + ": cannot read it: " + e.getMessage(), "config");
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(1);
            throw new BerthException(path + ":" + line + ": not valid YAML: " + e.getProblem(), "config");
        } catch (YamlEngineException e) {
            throw new BerthException(path + ": not valid YAML: " + e.getMessage(), "config");
        }
        Map<String, Entry> out = new LinkedHashMap<>();
        if (root != null && !(root.getTag().equals(Tag.NULL))) {
            new Reading(path, layout, out).block(root, "");
        }
        return new ConfigFile(path, out);
    }

    /** One walk over the node tree. */
    private record Reading(Path path, ConfigLayout layout, Map<String, Entry> out) {

        void block(Node node, String prefix) {
            if (!(node instanceof MappingNode map)) {
                throw fail(node, prefix, (prefix.isEmpty() ? "the file " : "") + "must be a map of keys to values");
            }
            Set<String> seen = new HashSet<>();
            for (NodeTuple t : map.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    throw fail(t.getKeyNode(), prefix, "a key must be a plain name");
                }
                String key = prefix.isEmpty() ? k.getValue() : prefix + "." + k.getValue();
                if (!seen.add(k.getValue())) {
                    throw fail(k, key, "given twice");
                }
                Optional<String> flag = layout.flag(key);
                if (flag.isPresent()) {
                    value(flag.get(), key, t.getValueNode());
                } else if (layout.isBlock(key)) {
                    block(t.getValueNode(), key);
                } else {
                    throw fail(k, key, "unknown key" + hint(prefix));
                }
            }
        }

        private String hint(String prefix) {
            if (prefix.isEmpty()) {
                return " (see --help: a flag --X is the key X, --tls-X is tls: {X}, --NAME-X of a listener is "
                        + "listeners: {NAME: {X}}, a module's flags are under the module's name)";
            }
            return prefix.startsWith(ConfigLayout.LISTENERS) && !prefix.contains(".")
                    ? " (not a listener of the modules on the class path)" : "";
        }

        private void value(String flag, String key, Node node) {
            ModuleOption o = layout.option(flag).orElseThrow();
            String text;
            if (node instanceof ScalarNode s) {
                if (s.getTag().equals(Tag.NULL)) {
                    return; // "key:" with nothing: as if the key were absent
                }
                text = s.getValue();
            } else if (node instanceof SequenceNode seq && ConfigLayout.isList(o)) {
                List<String> items = new ArrayList<>();
                for (Node item : seq.getValue()) {
                    if (!(item instanceof ScalarNode s) || s.getValue().contains(",")) {
                        throw fail(item, key, "a list item must be one plain value without commas");
                    }
                    items.add(s.getValue());
                }
                text = String.join(",", items);
            } else {
                throw fail(node, key, ConfigLayout.isList(o) ? "must be a value or a list of values"
                        : "must be a single value, not a " + (node instanceof SequenceNode ? "list" : "map"));
            }
            Entry e = new Entry(flag, key, text, line(node));
            check(o, text).ifPresent(why -> {
                throw new BerthException(path + ":" + e.line() + ": " + key + ": '" + text + "' is not " + why, flag);
            });
            out.put(flag, e);
        }

        private BerthException fail(Node node, String key, String why) {
            return new BerthException(path + ":" + line(node) + ": " + (key.isEmpty() ? "" : key + ": ") + why, "config");
        }
    }

    private static int line(Node n) {
        return n.getStartMark().map(Mark::getLine).orElse(0) + 1;
    }

    /**
     * What a value of this kind must be, when it is not that; the label says the kind. Values whose
     * kind only the module knows are checked when the module is made, and still name this line.
     */
    static Optional<String> check(ModuleOption o, String text) {
        ModuleSettings s = new ModuleSettings(Map.of(o.name(), text));
        try {
            switch (String.valueOf(o.label())) {
                case "N", "PORT", "OCTETS" -> s.integer(o.name(), 0);
                case "BOOL" -> s.bool(o.name(), false);
                case "DURATION" -> s.duration(o.name(), null);
                case "SIZE" -> s.size(o.name(), 0);
                default -> {
                    return Optional.empty();
                }
            }
            return Optional.empty();
        } catch (BerthException e) {
            String m = e.getMessage();
            int not = m.indexOf("' is not ");
            return Optional.of(not < 0 ? m : m.substring(not + "' is not ".length()));
        }
    }
}
