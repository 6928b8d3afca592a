package dev.berth.http.internal;

import java.net.InetSocketAddress;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one line per answered request to the logger {@code berth.http.access}, in the Combined Log
 * Format followed by the protocol version and the time taken in milliseconds.
 */
public final class AccessLog {
    /** The logger's name; route it to its own file in the logging configuration. */
    public static final String LOGGER = "berth.http.access";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);
    private static final DateTimeFormatter CLF = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    private AccessLog() {
    }

    /** True when lines are written, so that callers gather a line's fields only then. */
    public static boolean enabled() {
        return log.isInfoEnabled();
    }

    /** Logs one exchange; {@code bytes} is -1 when the body's length was not known. */
    public static void log(InetSocketAddress remote, String requestLine, int status, long bytes, String referer,
                           String userAgent, String protocol, long startNanos) {
        if (!log.isInfoEnabled()) {
            return;
        }
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        log.info("{} - - [{}] \"{}\" {} {} \"{}\" \"{}\" {} {}ms",
                remote == null ? "-" : remote.getAddress().getHostAddress(),
                CLF.format(ZonedDateTime.now()), escape(requestLine), status, bytes < 0 ? "-" : bytes,
                escape(referer == null ? "-" : referer), escape(userAgent == null ? "-" : userAgent), protocol, millis);
    }

    /** Quotes and backslashes escaped, so that a client cannot forge a log field. */
    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
