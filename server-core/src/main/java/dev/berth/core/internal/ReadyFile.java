package dev.berth.core.internal;

import dev.berth.core.BerthException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes the ready file: a JSON object from listener name to {@code {"transport","host","port"}},
 * written to a temporary file beside it and renamed into place, so a reader never sees half of it.
 */
public final class ReadyFile {
    private ReadyFile() {
    }

    /** One bound listener as the ready file describes it. */
    public static final class Entry {
        final String transport;
        final String host;
        final int port;

        public Entry(String transport, String host, int port) {
            this.transport = transport;
            this.host = host;
            this.port = port;
        }
    }

    public static void write(Path file, Map<String, Entry> listeners) {
        StringBuilder json = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, Entry> e : listeners.entrySet()) {
            Entry v = e.getValue();
            json.append("  ").append(quote(e.getKey())).append(": {\"transport\": ").append(quote(v.transport))
                    .append(", \"host\": ").append(quote(v.host)).append(", \"port\": ").append(v.port).append('}');
            json.append(++i < listeners.size() ? ",\n" : "\n");
        }
        json.append("}\n");
        try {
            AtomicFiles.write(file, json.toString(), false);
        } catch (IOException e) {
            throw new BerthException("ready file " + file + ": cannot write it: " + e.getMessage(), "readyFile");
        }
    }

    static String quote(String s) {
        return Json.quote(s);
    }
}
