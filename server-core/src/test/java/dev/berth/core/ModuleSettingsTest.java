package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.core.launch.ModuleOption;
import dev.berth.core.launch.ModuleSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleSettingsTest {
    private final ModuleSettings s = new ModuleSettings(Map.of("port", "x", "flag", "maybe", "list", "a, b,,c",
            "mode", "io-uring"));

    @Test
    void typedGettersNameTheFlagAndTheValueWhenTheyFail() {
        assertEquals("invalid value for --port: 'x' is not a whole number",
                assertThrows(BerthException.class, () -> s.integer("port", 1)).getMessage());
        assertEquals("invalid value for --flag: 'maybe' is not true or false",
                assertThrows(BerthException.class, () -> s.bool("flag", true)).getMessage());
    }

    @Test
    void listsAndChoicesAreForgiving() {
        assertEquals(List.of("a", "b", "c"), s.list("list"));
        assertEquals(IoTransport.IO_URING, s.choice("mode", IoTransport.class, IoTransport.AUTO));
        assertEquals(7, s.integer("absent", 7));
    }

    @Test
    void environmentVariablesAreTheFlagInUpperSnakeCase() {
        assertEquals("BERTH_ECHO_UDP_MAX_DATAGRAM_SIZE", ModuleOption.environmentVariable("echo-udp-max-datagram-size"));
    }
}
