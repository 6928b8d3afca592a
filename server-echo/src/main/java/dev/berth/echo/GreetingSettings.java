package dev.berth.echo;

import dev.berth.core.BerthException;
import dev.berth.core.spi.ModuleOption;
import dev.berth.core.spi.ModuleSettings;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * How the greeting service tells the time and how long and how much it listens; immutable, made
 * from the launcher's flags with {@link #from(ModuleSettings)} or changed with the {@code with...} methods.
 */
public final class GreetingSettings {
    static final String FORMAT_FLAG = "greeting-time-format";
    static final String ZONE_FLAG = "greeting-time-zone";
    static final String MAX_MESSAGE_FLAG = "greeting-max-message";
    static final String TIMEOUT_FLAG = "greeting-timeout";

    private static final String ISO = "iso";
    private static final String RFC_1123 = "rfc1123";
    private static final int DEFAULT_MAX_MESSAGE = 1024;
    private static final int MAX_MAX_MESSAGE = 64 * 1024;
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

    /** The flags these settings come from. */
    static List<ModuleOption> options() {
        return List.of(
                ModuleOption.of(FORMAT_FLAG, "FORMAT", ISO, "How the greeting prints the time: iso (ISO-8601 with "
                        + "offset), rfc1123, or a java.time pattern such as 'yyyy-MM-dd HH:mm:ss z'."),
                ModuleOption.of(ZONE_FLAG, "ZONE", "system", "Time zone of the greeting, e.g. UTC or Europe/Paris; "
                        + "system for the machine's."),
                ModuleOption.of(MAX_MESSAGE_FLAG, "SIZE", String.valueOf(DEFAULT_MAX_MESSAGE),
                        "Longest message line the greeting service reads; a longer one gets an error line."),
                ModuleOption.of(TIMEOUT_FLAG, "DURATION", "30s",
                        "How long the greeting service waits for the client's message before closing."));
    }

    /** The settings the flags describe; a bad value fails with one line naming its flag. */
    static GreetingSettings from(ModuleSettings s) {
        String zoneName = s.string(ZONE_FLAG, "system");
        Clock clock;
        try {
            clock = zoneName.equals("system") ? Clock.systemDefaultZone() : Clock.system(ZoneId.of(zoneName));
        } catch (DateTimeException e) {
            throw ModuleSettings.bad(ZONE_FLAG, zoneName, "a time zone such as UTC, +02:00 or Europe/Paris");
        }
        long max = s.size(MAX_MESSAGE_FLAG, DEFAULT_MAX_MESSAGE);
        if (max < 1 || max > MAX_MAX_MESSAGE) {
            throw ModuleSettings.bad(MAX_MESSAGE_FLAG, s.string(MAX_MESSAGE_FLAG, ""), "a size within 1..64k");
        }
        Duration timeout = s.duration(TIMEOUT_FLAG, DEFAULT_TIMEOUT);
        if (timeout.isZero()) {
            throw ModuleSettings.bad(TIMEOUT_FLAG, s.string(TIMEOUT_FLAG, ""), "a duration above zero");
        }
        return new GreetingSettings(s.string(FORMAT_FLAG, ISO), clock, (int) max, timeout);
    }

    public GreetingSettings withFormat(String format) {
        return new GreetingSettings(Objects.requireNonNull(format, "format"), clock, maxMessage, timeout);
    }

    /** The clock (and with it the time zone) the greeting reads. */
    public GreetingSettings withClock(Clock clock) {
        return new GreetingSettings(format, Objects.requireNonNull(clock, "clock"), maxMessage, timeout);
    }

    public GreetingSettings withMaxMessage(int bytes) {
        if (bytes < 1) {
            throw new BerthException("the greeting's message limit must be at least 1 byte, not " + bytes);
        }
        return new GreetingSettings(format, clock, bytes, timeout);
    }

    public GreetingSettings withTimeout(Duration timeout) {
        if (timeout.isZero() || timeout.isNegative()) {
            throw new BerthException("the greeting's timeout must be above zero, not " + timeout);
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
                    throw ModuleSettings.bad(FORMAT_FLAG, format, "iso, rfc1123 or a java.time pattern ("
                            + e.getMessage() + ")");
                }
        }
    }
}
