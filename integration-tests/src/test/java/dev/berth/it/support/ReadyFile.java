package dev.berth.it.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the ready file a Berth process writes once every listener is bound:
 * {@code {"echo": {"transport": "tcp", "host": "127.0.0.1", "port": 40123}, ...}}.
 */
final class ReadyFile {
    // The file is flat and written by Berth itself, so one pattern per entry is enough; anything
    // it does not match is reported rather than guessed at.
    private static final Pattern ENTRY = Pattern.compile(
            "\"([^\"]+)\"\\s*:\\s*\\{\\s*\"transport\"\\s*:\\s*\"(tcp|udp)\"\\s*,\\s*\"host\"\\s*:\\s*\"([^\"]+)\"\\s*,"
                    + "\\s*\"port\"\\s*:\\s*(\\d+)\\s*}");

    private ReadyFile() {
    }

    static Map<String, Listener> parse(String json) {
        Map<String, Listener> listeners = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(json);
        while (m.find()) {
            listeners.put(m.group(1), new Listener(m.group(1), m.group(2), m.group(3), Integer.parseInt(m.group(4))));
        }
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("the ready file names no listener: " + json);
        }
        return listeners;
    }
}
