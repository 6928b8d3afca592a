package dev.berth.echo;

import dev.berth.core.BerthException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * How the greeting service tells the time and how long and how much it listens; immutable, made
 * from {@link #defaults()} and changed with the {@code with...} methods, which refuse bad values with
 * a {@link BerthException} naming the setting.
 */
public final class GreetingSettings {
    /** The time format of ISO-8601 with offset, the default. */
    public static final String ISO = "iso";
    /** The time format of RFC 1123 (HTTP dates). */
    public static final String RFC_1123 = "rfc1123";
    /** The longest message limit: 64 KiB. */
    public static final int MAX_MAX_MESSAGE = 64 * 1024;
    private static final int DEFAULT_MAX_MESSAGE = 1024;
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final String format;
    private final DateTimeFormatter formatter;
    private final Clock clock;
    private final int maxMessage;
    private final Duration timeout;

    private GreetingSettings(String format, Clock clock, int maxMessage, Duration timeout) {
        this.format = format;
        this.formatter = formatter(format);
        this.clock = clock;
        this.maxMessage = maxMessage;
        this.timeout = timeout;
    }

    /** ISO-8601 time with its offset in the system's time zone, a 1 KiB message limit, a 30-second wait. */
    public static GreetingSettings defaults() {
        return new GreetingSettings(ISO, Clock.systemDefaultZone(), DEFAULT_MAX_MESSAGE, DEFAULT_TIMEOUT);
    }

    /** {@code iso}, {@code rfc1123} or a {@link DateTimeFormatter} pattern such as {@code yyyy-MM-dd HH:mm:ss z}. */
    public GreetingSettings withFormat(String format) {
        return new GreetingSettings(Objects.requireNonNull(format, "format"), clock, maxMessage, timeout);
    }

    /** The clock (and with it the time zone) the greeting reads. */
    public GreetingSettings withClock(Clock clock) {
        return new GreetingSettings(format, Objects.requireNonNull(clock, "clock"), maxMessage, timeout);
    }

    /** The longest message line read, within 1 byte and {@link #MAX_MAX_MESSAGE}. */
    public GreetingSettings withMaxMessage(int bytes) {
        if (bytes < 1 || bytes > MAX_MAX_MESSAGE) {
            throw new BerthException("greeting: maxMessage must be within 1..65536 bytes, not " + bytes,
                    "greeting.maxMessage");
        }
        return new GreetingSettings(format, clock, bytes, timeout);
    }

    public GreetingSettings withTimeout(Duration timeout) {
        if (timeout.isZero() || timeout.isNegative()) {
            throw new BerthException("greeting: timeout must be above zero, not " + timeout, "greeting.timeout");
        }
        return new GreetingSettings(format, clock, maxMessage, timeout);
    }

    /** The longest message, in bytes without its line end. */
    public int maxMessage() {
        return maxMessage;
    }

    /** How long to wait for the client's message. */
    public Duration timeout() {
        return timeout;
    }

    /** The greeting's first line, without its CRLF: {@code Hello! The time is 2026-11-26T01:52:03Z}. */
    public String greeting() {
        ZonedDateTime now = ZonedDateTime.now(clock);
        if (format.equals(ISO) || format.equals(RFC_1123)) {
            // Fractions of a second only make the greeting harder to read.
            now = now.truncatedTo(ChronoUnit.SECONDS);
        }
        return "Hello! The time is " + formatter.format(now);
    }

    private static DateTimeFormatter formatter(String format) {
        switch (format) {
            case ISO:
                return DateTimeFormatter.ISO_OFFSET_DATE_TIME;
            case RFC_1123:
                return DateTimeFormatter.RFC_1123_DATE_TIME;
            default:
                try {
                    return DateTimeFormatter.ofPattern(format);
                } catch (IllegalArgumentException e) {
                    throw new BerthException("greeting: time format '" + format + "' is not iso, rfc1123 or a "
                            + "java.time pattern (" + e.getMessage() + ")", "greeting.format");
                }
        }
    }
}
