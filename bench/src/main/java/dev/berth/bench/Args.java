package dev.berth.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code --name value} flags of the bench programs, plus the words that are not flags. */
final class Args {
    private final Map<String, String> flags = new HashMap<>();
    private final List<String> words = new ArrayList<>();

    Args(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                for (int j = i + 1; j < args.length; j++) {
                    words.add(args[j]);
                }
                return;
            }
            if (args[i].startsWith("--")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                flags.put(args[i].substring(2), args[++i]);
            } else {
                words.add(args[i]);
            }
        }
    }

    List<String> words() {
        return words;
    }

    String string(String name, String fallback) {
        return flags.getOrDefault(name, fallback);
    }

    String required(String name) {
        String v = flags.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    int integer(String name, int fallback) {
        String v = flags.get(name);
        return v == null ? fallback : Integer.parseInt(v);
    }

    /** Seconds, fractions allowed: {@code --duration 2.5}. */
    Duration seconds(String name, double fallback) {
        String v = flags.get(name);
        double s = v == null ? fallback : Double.parseDouble(v);
        return Duration.ofNanos((long) (s * 1e9));
    }
}
