package dev.berth.echo.internal;

import dev.berth.core.BerthException;
import dev.berth.core.ListenerConfig;
import dev.berth.core.launch.ModuleFactory;
import dev.berth.core.launch.ModuleOption;
import dev.berth.core.launch.ModuleSettings;
import dev.berth.core.spi.ProtocolModule;
import dev.berth.echo.GreetingModule;
import dev.berth.echo.GreetingSettings;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

/** The greeting service on the command line: {@code --greeting-*} flags and its listener on 7013. */
public final class GreetingModuleFactory implements ModuleFactory {
    static final String FORMAT_FLAG = "greeting-time-format";
    static final String ZONE_FLAG = "greeting-time-zone";
    static final String MAX_MESSAGE_FLAG = "greeting-max-message";
    static final String TIMEOUT_FLAG = "greeting-timeout";

    @Override
    public String name() {
        return GreetingModule.NAME;
    }

    @Override
    public List<ListenerConfig> defaultListeners() {
        return List.of(ListenerConfig.tcp(GreetingModule.NAME).port(GreetingModule.DEFAULT_PORT).build());
    }

    @Override
    public List<ModuleOption> options() {
        GreetingSettings d = GreetingSettings.defaults();
        return List.of(
                ModuleOption.of(FORMAT_FLAG, "FORMAT", GreetingSettings.ISO, "How the greeting prints the time: iso "
                        + "(ISO-8601 with offset), rfc1123, or a java.time pattern such as 'yyyy-MM-dd HH:mm:ss z'."),
                ModuleOption.of(ZONE_FLAG, "ZONE", "system", "Time zone of the greeting, e.g. UTC or Europe/Paris; "
                        + "system for the machine's."),
                ModuleOption.of(MAX_MESSAGE_FLAG, "SIZE", String.valueOf(d.maxMessage()),
                        "Longest message line the greeting service reads; a longer one gets an error line."),
                ModuleOption.of(TIMEOUT_FLAG, "DURATION", d.timeout().toSeconds() + "s",
                        "How long the greeting service waits for the client's message before closing."));
    }

    @Override
    public ProtocolModule create(ModuleSettings settings) {
        return new GreetingModule(settings(settings));
    }

    /** The settings the flags describe; a bad value fails with one line naming its flag. */
    public static GreetingSettings settings(ModuleSettings s) {
        GreetingSettings d = GreetingSettings.defaults();
        String zoneName = s.string(ZONE_FLAG, "system");
        Clock clock;
        try {
            clock = zoneName.equals("system") ? Clock.systemDefaultZone() : Clock.system(ZoneId.of(zoneName));
        } catch (DateTimeException e) {
            throw ModuleSettings.bad(ZONE_FLAG, zoneName, "a time zone such as UTC, +02:00 or Europe/Paris");
        }
        long max = s.size(MAX_MESSAGE_FLAG, d.maxMessage());
        if (max < 1 || max > GreetingSettings.MAX_MAX_MESSAGE) {
            throw ModuleSettings.bad(MAX_MESSAGE_FLAG, s.string(MAX_MESSAGE_FLAG, ""), "a size within 1..64k");
        }
        Duration timeout = s.duration(TIMEOUT_FLAG, d.timeout());
        if (timeout.isZero()) {
            throw ModuleSettings.bad(TIMEOUT_FLAG, s.string(TIMEOUT_FLAG, ""), "a duration above zero");
        }
        String format = s.string(FORMAT_FLAG, GreetingSettings.ISO);
        GreetingSettings withFormat;
        try {
            withFormat = d.withFormat(format);
        } catch (BerthException e) {
            throw ModuleSettings.bad(FORMAT_FLAG, format, "iso, rfc1123 or a java.time pattern");
        }
        return withFormat.withClock(clock).withMaxMessage((int) max).withTimeout(timeout);
    }
}
