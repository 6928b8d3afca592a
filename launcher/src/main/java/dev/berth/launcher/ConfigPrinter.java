package dev.berth.launcher;

import dev.berth.core.launch.ModuleOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code --print-config}: the effective settings as a config file of the same format, which
 * {@code --config} reads back to the same settings. A secret is never printed: its line says only that
 * it is set, as a comment, so the output may be shared and the secret comes from where it came from.
 */
final class ConfigPrinter {
    /** Values printed without quotes; everything else is single-quoted, which YAML reads back verbatim. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./][A-Za-z0-9_./=@+-]*");

    private ConfigPrinter() {
    }

    static String print(EffectiveSettings s) {
        Map<String, Object> tree = new LinkedHashMap<>();
        ConfigLayout layout = s.layout();
        for (ModuleOption o : layout.options()) {
            String v = s.values().get(o.name());
            if (v == null || v.isEmpty()) {
                continue;
            }
            Object leaf = o.secret() ? new Masked() : ConfigLayout.isList(o)
                    ? Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).collect(Collectors.toList())
                    : v;
            put(tree, List.of(layout.key(o.name()).split("\\.")), leaf);
        }
        StringBuilder out = new StringBuilder("# berth --print-config: the effective configuration "
                + "(flags, then BERTH_* variables, then the config file, then defaults)\n");
        emit(out, tree, "");
        return out.toString();
    }

    /** A secret's place in the tree. */
    private record Masked() {
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> tree, List<String> path, Object leaf) {
        Map<String, Object> node = tree;
        for (String p : path.subList(0, path.size() - 1)) {
            node = (Map<String, Object>) node.computeIfAbsent(p, k -> new LinkedHashMap<String, Object>());
        }
        node.put(path.get(path.size() - 1), leaf);
    }

    @SuppressWarnings("unchecked")
    private static void emit(StringBuilder out, Map<String, Object> node, String indent) {
        for (Map.Entry<String, Object> e : node.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Masked) {
                out.append(indent).append("# ").append(e.getKey()).append(": set, not shown\n");
            } else if (v instanceof Map) {
                out.append(indent).append(e.getKey()).append(":\n");
                emit(out, (Map<String, Object>) v, indent + "  ");
            } else if (v instanceof List<?> items) {
                out.append(indent).append(e.getKey()).append(items.isEmpty() ? ": []\n" : ":\n");
                for (Object item : items) {
                    out.append(indent).append("  - ").append(scalar(item.toString())).append('\n');
                }
            } else {
                out.append(indent).append(e.getKey()).append(": ").append(scalar(v.toString())).append('\n');
            }
        }
    }

    static String scalar(String v) {
        // "null" unquoted would read back as no value at all
        boolean plain = PLAIN.matcher(v).matches() && !v.equalsIgnoreCase("null");
        return plain ? v : "'" + v.replace("'", "''") + "'";
    }
}
