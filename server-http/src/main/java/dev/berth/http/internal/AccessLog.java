package dev.berth.http.internal;

import java.net.InetSocketAddress;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one line per answered request to the logger {@code berth.http.access}, in the Combined Log
 * Format followed by the protocol version, the time taken in milliseconds and whether the answer was
 * written whole ({@code complete}) or cut short ({@code aborted}); the size field is the body bytes
 * actually written, not the length the response declared.
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

    /** Logs one exchange: {@code bytes} of body written in {@code nanos}, {@code complete} or cut short. */
    public static void log(InetSocketAddress remote, String requestLine, int status, long bytes, String referer,
                           String userAgent, String protocol, long nanos, boolean complete) {
        if (!log.isInfoEnabled()) {
            return;
        }
        log.info("{} - - [{}] \"{}\" {} {} \"{}\" \"{}\" {} {}ms {}",
                remote == null ? "-" : remote.getAddress().getHostAddress(),
                CLF.format(ZonedDateTime.now()), escape(requestLine), status, bytes,
                escape(referer == null ? "-" : referer), escape(userAgent == null ? "-" : userAgent), protocol,
                nanos / 1_000_000, complete ? "complete" : "aborted");
    }

    /** Quotes and backslashes escaped, so that a client cannot forge a log field. */
    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
