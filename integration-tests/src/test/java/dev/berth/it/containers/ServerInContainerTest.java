package dev.berth.it.containers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.ContainerImages;
import dev.berth.it.support.DockerNotice;
import dev.berth.it.support.ModuleJars;
import dev.berth.it.support.Ports;
import dev.berth.it.support.Program;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The server-echo jar inside a container with a Java runtime: it serves a host client and exits 0 on {@code docker stop}. */
@ExtendWith(DockerNotice.class)
@Testcontainers(disabledWithoutDocker = true)
class ServerInContainerTest {

    @Test
    void theEchoJarRunsInAContainerServesAHostClientAndExitsZeroOnDockerStop() {
        // Host networking has no port mapping: pick a free port and give it to the server.
        int port = Ports.freeLoopbackPort();
        try (GenericContainer<?> server = ContainerImages.container(ContainerImages.JRE)
                .withFileSystemBind(ModuleJars.of("server-echo").toString(), "/berth/server-echo.jar", BindMode.READ_ONLY)
                .withCommand("java", "-jar", "/berth/server-echo.jar", "--host", "127.0.0.1", "--echo-port",
                        String.valueOf(port), "--echo-udp-enabled", "false", "--greeting-enabled", "false",
                        "--data-dir", "/tmp/berth-data")
                .waitingFor(Wait.forLogMessage(".*listening echo tcp://127\\.0\\.0\\.1:" + port + ".*", 1)
                        .withStartupTimeout(Duration.ofSeconds(180)))) {
            server.start();
            byte[] sent = "from the host to a container\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
            Program.Result r = Program.require("socat", "socat").args("-t", "30", "-", "TCP:127.0.0.1:" + port)
                    .stdin(sent).timeout(Duration.ofSeconds(60)).run().assertSuccess();
            assertArrayEquals(sent, r.stdoutBytes());

            var docker = DockerClientFactory.instance().client();
            docker.stopContainerCmd(server.getContainerId()).withTimeout(60).exec(); // SIGTERM; SIGKILL only after 60 s
            Long exit = docker.inspectContainerCmd(server.getContainerId()).exec().getState().getExitCodeLong();
            String logs = server.getLogs();
            assertEquals(0L, exit, () -> "the jar exits 0 on SIGTERM inside the container:\n" + logs);
            assertTrue(logs.contains("stopping gracefully"), logs);
        }
    }
}
