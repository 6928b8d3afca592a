package dev.berth.bench.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** The bench applications' {@code --name value} arguments and their logging, as the launcher's {@code --log-level warn}. */
final class AppArgs {
    private AppArgs() {
    }

    /** Parses {@code --name value} pairs and turns logging down to WARN (access logs are INFO, so off, like the anchors'). */
    static Map<String, String> parse(String[] argv) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        return a;
    }
}
