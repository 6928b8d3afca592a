package dev.berth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.launch.ModuleFactory;
import dev.berth.core.launch.ModuleOption;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --help} in sections, and every flag it lists has a key the config file takes. */
class GroupedHelpTest {
    @TempDir
    Path dir;

    private static String help() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Launcher.launch(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static ConfigLayout layout() {
        List<ModuleFactory> found = new ArrayList<>();
        ServiceLoader.load(ModuleFactory.class).forEach(found::add);
        return ConfigLayout.of(Launcher.globalOptions(), found);
    }

    @Test
    void helpIsGroupedIntoGeneralTlsAndOneSectionPerListener() {
        String help = help();
        int general = help.indexOf("\nGeneral:\n");
        int tls = help.indexOf("\nTLS (every TLS listener): --tls-* (file: tls):\n");
        int upper = help.indexOf("\nListener upper (upper): --upper-* (file: listeners.upper):\n");
        assertTrue(general >= 0 && tls > general && upper > tls, help);
        assertTrue(help.indexOf("--data-dir") > general && help.indexOf("--data-dir") < tls, "--data-dir is general");
        assertTrue(help.indexOf("--tls-cert=") > tls && help.indexOf("--tls-cert=") < upper, "--tls-cert is under TLS");
        assertTrue(help.indexOf("--upper-port") > upper, "--upper-port is under its listener");
        assertTrue(help.contains("Env: BERTH_UPPER_MAX_CONNECTIONS  File: listeners.upper.max-connections"), help);
    }

    @Test
    void helpNamesItsOwnOptionsAsTyped() {
        String help = help();
        assertTrue(help.contains("  -h, --help "), help);
        assertTrue(help.contains("  -V, --version "), help);
        assertFalse(help.contains("${"), "no unexpanded variable in the help: " + help);
    }

    @Test
    void everyFlagInHelpHasAKeyThatTheConfigFileAccepts() throws Exception {
        String help = help();
        Set<String> flags = new LinkedHashSet<>();
        Matcher m = Pattern.compile("^\\s+(?:-\\w, )?--([a-z0-9-]+)", Pattern.MULTILINE).matcher(help);
        while (m.find()) {
            flags.add(m.group(1));
        }
        flags.removeAll(Set.of("help", "version", Launcher.CONFIG, Launcher.PRINT_CONFIG));
        ConfigLayout layout = layout();
        assertEquals(layout.options().size(), flags.size(), "help lists every option once: " + flags);
        Map<String, Object> tree = new LinkedHashMap<>();
        for (String flag : flags) {
            ModuleOption o = layout.option(flag).orElseThrow(() -> new AssertionError("--" + flag + " has no key"));
            put(tree, layout.key(flag).split("\\."), sample(o));
        }
        StringBuilder yaml = new StringBuilder();
        emit(yaml, tree, "");
        Path f = dir.resolve("every-key.yaml");
        Files.writeString(f, yaml.toString());
        ConfigFile file = ConfigFile.load(f, layout);
        for (String flag : flags) {
            assertTrue(file.entry(flag).isPresent(), "--" + flag + " is set by the file's " + layout.key(flag));
        }
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> tree, String[] path, String value) {
        Map<String, Object> node = tree;
        for (int i = 0; i < path.length - 1; i++) {
            node = (Map<String, Object>) node.computeIfAbsent(path[i], k -> new LinkedHashMap<String, Object>());
        }
        node.put(path[path.length - 1], value);
    }

    @SuppressWarnings("unchecked")
    private static void emit(StringBuilder out, Map<String, Object> node, String indent) {
        node.forEach((k, v) -> {
            if (v instanceof Map) {
                out.append(indent).append(k).append(":\n");
                emit(out, (Map<String, Object>) v, indent + "  ");
            } else {
                out.append(indent).append(k).append(": '").append(v).append("'\n");
            }
        });
    }

    private static String sample(ModuleOption o) {
        if (o.defaultValue() != null && !o.defaultValue().isEmpty()) {
            return o.defaultValue();
        }
        return switch (String.valueOf(o.label())) {
            case "N", "PORT", "OCTETS" -> "1";
            case "BOOL" -> "true";
            case "DURATION" -> "1s";
            case "SIZE" -> "1k";
            default -> "x";
        };
    }

    @Test
    void theSecretIsInHelpWithoutAValue() {
        String help = help();
        assertTrue(help.contains("--tls-key-passphrase=PASS"), help);
        assertFalse(help.contains("Default: null"), help);
    }
}
