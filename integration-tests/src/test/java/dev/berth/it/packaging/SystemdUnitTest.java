package dev.berth.it.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.ModuleJars;
import dev.berth.it.support.Program;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped systemd unit, as systemd itself reads it. */
class SystemdUnitTest {
    private static final Path UNIT = ModuleJars.projectFile("distribution/systemd/berth.service");

    @Test
    void systemdAnalyzeVerifyAcceptsTheUnitWithoutAWarning() {
        Program.Result r = Program.require("systemd-analyze", "systemd").args("verify", UNIT.toString())
                .timeout(Duration.ofSeconds(60)).run();
        assertEquals(0, r.exitCode(), r::describe);
        assertEquals("", r.stderr().strip(), () -> "systemd-analyze warned:\n" + r.describe());
    }

    @Test
    void theUnitBindsLowPortsWithOneCapabilityReloadsOnHangUpAndWaitsLongerThanTheDrain() throws IOException {
        Map<String, String> service = section("Service");
        assertEquals("CAP_NET_BIND_SERVICE", service.get("AmbientCapabilities"));
        assertEquals("CAP_NET_BIND_SERVICE", service.get("CapabilityBoundingSet"));
        assertEquals("berth", service.get("User"));
        assertEquals("/bin/kill -HUP $MAINPID", service.get("ExecReload"));
        assertTrue(service.get("ExecStart").contains("--config /etc/berth/berth.yaml"), service::toString);
        // The launcher's default shutdown-timeout is 10 s; systemd must not SIGKILL a drain in progress.
        long stopSeconds = Long.parseLong(service.get("TimeoutStopSec").replace("s", ""));
        assertTrue(stopSeconds >= 10 + 15, "TimeoutStopSec " + stopSeconds + " s leaves no margin over the 10 s drain");
    }

    private static Map<String, String> section(String name) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        boolean in = false;
        List<String> lines = Files.readAllLines(UNIT);
        for (String line : lines) {
            String l = line.strip();
            if (l.startsWith("[")) {
                in = l.equals("[" + name + "]");
            } else if (in && !l.isEmpty() && !l.startsWith("#")) {
                int eq = l.indexOf('=');
                out.put(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        return out;
    }
}
