package dev.berth.core.launch;

import dev.berth.core.BerthException;
import dev.berth.core.internal.Values;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The values of the launcher's options, by flag name (without dashes). Typed getters fail with a
 * {@link BerthException} whose one line names the flag and the bad value.
 */
public final class ModuleSettings {
    private final Map<String, String> values;

    /** Settings from flag names to values; a missing name means the option has no value. */
    public ModuleSettings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** The raw value, if the flag has one (given, from the environment, or a default). */
    public Optional<String> get(String name) {
        String v = values.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    public String string(String name, String fallback) {
        return get(name).orElse(fallback);
    }

    public int integer(String name, int fallback) {
        Optional<String> v = get(name);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.get().trim());
        } catch (NumberFormatException e) {
            throw bad(name, v.get(), "a whole number");
        }
    }

    public boolean bool(String name, boolean fallback) {
        Optional<String> v = get(name);
        if (v.isEmpty()) {
            return fallback;
        }
        switch (v.get().trim().toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "1":
                return true;
            case "false": case "no": case "off": case "0":
                return false;
            default:
                throw bad(name, v.get(), "true or false");
        }
    }

    public Duration duration(String name, Duration fallback) {
        Optional<String> v = get(name);
        if (v.isEmpty()) {
            return fallback;
        }
        Duration d = Values.duration(v.get());
        if (d == null) {
            throw bad(name, v.get(), "a duration such as 10s, 500ms or 5m");
        }
        return d;
    }

    public long size(String name, long fallback) {
        Optional<String> v = get(name);
        if (v.isEmpty()) {
            return fallback;
        }
        long s = Values.size(v.get());
        if (s < 0) {
            throw bad(name, v.get(), "a size such as 512, 64k or 10m");
        }
        return s;
    }

    public Optional<Path> path(String name) {
        return get(name).map(Path::of);
    }

    /** A comma-separated list; empty when the flag has no value. */
    public List<String> list(String name) {
        return get(name).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toList())).orElse(List.of());
    }

    /** An enum constant by its name in any case, dashes for underscores. */
    public <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
        Optional<String> v = get(name);
        if (v.isEmpty()) {
            return fallback;
        }
        String wanted = v.get().trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(wanted)) {
                return e;
            }
        }
        String choices = Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-')).collect(Collectors.joining(", "));
        throw bad(name, v.get(), "one of " + choices);
    }

    /** The error for a value that is not what a flag takes. */
    public static BerthException bad(String name, String value, String expected) {
        return new BerthException("invalid value for --" + name + ": '" + value + "' is not " + expected);
    }
}
