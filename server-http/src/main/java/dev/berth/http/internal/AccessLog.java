package dev.berth.http.internal;

import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneId;
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
 *
 * <p>The line is built in one pass, and the timestamp, whose resolution is a second, is formatted once
 * per second, not per request: on a small static file those two were about a tenth of the request's
 * CPU time.
 */
public final class AccessLog {
    /** The logger's name; route it to its own file in the logging configuration. */
    public static final String LOGGER = "berth.http.access";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);
    private static final DateTimeFormatter CLF = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);
    /** The last second formatted; threads that race both format it, and either result is right. */
    private static volatile Stamp stamp = new Stamp(Long.MIN_VALUE, "");

    private record Stamp(long second, String text) {
    }

    private AccessLog() {
    }

    /** True when lines are written, so that callers gather a line's fields only then. */
    public static boolean enabled() {
        return log.isInfoEnabled();
    }

    /**
     * Logs one exchange of {@code client} (its address as text, see {@link #client}): {@code request}
     * ({@code null} when none could be read) answered with {@code status}, {@code bytes} of body written
     * in {@code nanos}, {@code complete} or cut short.
     */
    public static void log(String client, HttpRequest request, int status, long bytes, String referer,
                           String userAgent, String protocol, long nanos, boolean complete) {
        if (!log.isInfoEnabled()) {
            return;
        }
        log.info(line(client, request, status, bytes, referer, userAgent, protocol, nanos, complete,
                System.currentTimeMillis()));
    }

    /** The line for one exchange that ended at {@code epochMillis}. */
    static String line(String client, HttpRequest request, int status, long bytes, String referer,
                       String userAgent, String protocol, long nanos, boolean complete, long epochMillis) {
        StringBuilder b = new StringBuilder(128 + (request == null ? 0 : request.uri().length())
                + (userAgent == null ? 0 : userAgent.length()) + (referer == null ? 0 : referer.length()));
        b.append(client).append(" - - [")
                .append(timestamp(epochMillis)).append("] \"");
        if (request == null) {
            b.append('-');
        } else {
            escape(b, request.method().name());
            b.append(' ');
            escape(b, request.uri());
            b.append(' ').append(request.protocolVersion().text());
        }
        b.append("\" ").append(status).append(' ').append(bytes).append(" \"");
        escape(b, referer == null ? "-" : referer);
        b.append("\" \"");
        escape(b, userAgent == null ? "-" : userAgent);
        b.append("\" ").append(protocol).append(' ').append(nanos / 1_000_000).append("ms ")
                .append(complete ? "complete" : "aborted");
        return b.toString();
    }

    /** The client field for {@code remote}: its IP address as text, or {@code -} when not known. */
    public static String client(InetSocketAddress remote) {
        return remote == null || remote.getAddress() == null ? "-" : remote.getAddress().getHostAddress();
    }

    /** {@code 03/Dec/2026:12:00:00 +0000} for the second holding {@code epochMillis}, in the system's zone. */
    static String timestamp(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        Stamp s = stamp;
        if (s.second != second) {
            s = new Stamp(second, CLF.format(ZonedDateTime.ofInstant(Instant.ofEpochSecond(second), ZoneId.systemDefault())));
            stamp = s;
        }
        return s.text;
    }

    /**
     * Appends {@code s} with quotes and backslashes escaped by a backslash and control characters as {@code \xNN}
     * (as nginx writes them), so that a client can forge neither a field nor a line.
     */
    private static void escape(StringBuilder b, String s) {
        int n = s.length();
        int i = 0;
        while (i < n && !needsEscape(s.charAt(i))) {
            i++;
        }
        if (i == n) {
            b.append(s);
            return;
        }
        b.append(s, 0, i);
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                b.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                b.append(c);
            }
        }
    }

    private static boolean needsEscape(char c) {
        return c == '"' || c == '\\' || c < 0x20 || c == 0x7f;
    }
}
