package dev.berth.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.BerthException;
import dev.berth.core.launch.ModuleSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GreetingSettingsTest {

    @Test
    void withoutFlagsTheDefaultsApply() {
        GreetingSettings s = dev.berth.echo.internal.GreetingModuleFactory.settings(new ModuleSettings(Map.of()));
        assertEquals(1024, s.maxMessage());
        assertEquals(Duration.ofSeconds(30), s.timeout());
        assertTrue(s.greeting().matches("Hello! The time is \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)"),
                s.greeting());
    }

    @Test
    void flagsSetFormatZoneLimitAndTimeout() {
        GreetingSettings s = dev.berth.echo.internal.GreetingModuleFactory.settings(new ModuleSettings(Map.of(
                "greeting-time-format", "rfc1123", "greeting-time-zone", "UTC",
                "greeting-max-message", "2k", "greeting-timeout", "500ms")));
        assertEquals(2048, s.maxMessage());
        assertEquals(Duration.ofMillis(500), s.timeout());
        assertTrue(s.greeting().endsWith(" GMT"), s.greeting());
    }

    @Test
    void aBadFormatIsRefusedInOneLineNamingTheFlag() {
        assertRefused("greeting-time-format", "yyyy-MM-dd {");
    }

    @Test
    void anUnknownZoneIsRefused() {
        assertRefused("greeting-time-zone", "Mars/Olympus");
    }

    @Test
    void aMessageLimitOfZeroOrOverSixtyFourKibibytesIsRefused() {
        assertRefused("greeting-max-message", "0");
        assertRefused("greeting-max-message", "1m");
    }

    @Test
    void aZeroTimeoutIsRefused() {
        assertRefused("greeting-timeout", "0s");
    }

    private static void assertRefused(String flag, String value) {
        BerthException e = assertThrows(BerthException.class,
                () -> dev.berth.echo.internal.GreetingModuleFactory.settings(new ModuleSettings(Map.of(flag, value))));
        assertTrue(e.getMessage().contains("--" + flag), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
