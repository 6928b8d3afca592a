package dev.berth.launcher;

import dev.berth.core.BerthException;
import dev.berth.core.launch.ModuleSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every flag's value after precedence (flag, then {@code BERTH_*} variable, then config file, then
 * default) and where it came from, so that an error found later, by a module's factory, still names
 * the file and line the bad value was written on.
 */
final class EffectiveSettings {
    private static final Pattern FLAG = Pattern.compile("--([a-z0-9][a-z0-9-]*)");

    /** Where a value came from. */
    enum Source { FLAG, ENVIRONMENT, FILE, DEFAULT }

    private final ConfigLayout layout;
    private final Optional<ConfigFile> file;
    private final Map<String, String> values;
    private final Map<String, Source> sources;

    EffectiveSettings(ConfigLayout layout, Optional<ConfigFile> file, Map<String, String> values,
                      Map<String, Source> sources) {
        this.layout = layout;
        this.file = file;
        this.values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.sources = Map.copyOf(sources);
    }

    ConfigLayout layout() {
        return layout;
    }

    Optional<ConfigFile> file() {
        return file;
    }

    /** Flag names to values; a flag without a value is absent. */
    Map<String, String> values() {
        return values;
    }

    Source source(String flag) {
        return sources.getOrDefault(flag, Source.DEFAULT);
    }

    ModuleSettings settings() {
        return new ModuleSettings(values);
    }

    /**
     * The one line for a failure of these settings: when the flag at fault got its value from the
     * config file, the file, line and key come first ({@code berth.yaml:12: listeners.mx.port: ...});
     * otherwise the message as it is, with the flag added when it does not name one.
     */
    String describe(BerthException e) {
        String message = String.valueOf(e.getMessage());
        Optional<String> flag = flagAtFault(e, message);
        if (flag.isPresent() && source(flag.get()) == Source.FILE && file.isPresent()) {
            ConfigFile.Entry entry = file.get().entry(flag.get()).orElseThrow();
            String prefix = "invalid value for --" + flag.get() + ": ";
            return file.get().where(entry) + (message.startsWith(prefix) ? message.substring(prefix.length()) : message);
        }
        return flag.isEmpty() || message.contains("--" + flag.get()) ? message : message + " (--" + flag.get() + ")";
    }

    /** The flag a failure is about: the one its message names, else the one its setting path maps to. */
    private Optional<String> flagAtFault(BerthException e, String message) {
        Matcher m = FLAG.matcher(message);
        while (m.find()) {
            if (layout.option(m.group(1)).isPresent()) {
                return Optional.of(m.group(1));
            }
        }
        Optional<String> bySetting = e.setting().map(SettingFlags::flag).filter(f -> layout.option(f).isPresent());
        return bySetting.isPresent() ? bySetting : fileValueNamed(message);
    }

    /**
     * The flag whose value from the file the message quotes first, e.g. a certificate's path in
     * "TLS private key /etc/x.key: does not match ..."; core's TLS errors name files, not flags.
     */
    private Optional<String> fileValueNamed(String message) {
        String best = null;
        int at = Integer.MAX_VALUE;
        for (Map.Entry<String, String> v : values.entrySet()) {
            int i = v.getValue().length() < 3 || source(v.getKey()) != Source.FILE ? -1 : message.indexOf(v.getValue());
            if (i >= 0 && i < at) {
                at = i;
                best = v.getKey();
            }
        }
        return Optional.ofNullable(best);
    }
}
