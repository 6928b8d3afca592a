package dev.berth.it.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.berth.it.support.DockerNotice;
import dev.berth.it.support.ModuleJars;
import dev.berth.it.support.Ports;
import dev.berth.it.support.Program;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * distribution/container/Dockerfile built here (from the Debian Java image the integration tests
 * make, as there is no registry), started as users would: it runs as a non-root user, serves HTTPS,
 * reports healthy through its HEALTHCHECK, and exits 0 on {@code docker stop}.
 */
@ExtendWith(DockerNotice.class)
@Testcontainers(disabledWithoutDocker = true)
class ContainerImageTest {
    private static final String TAG = "local/berth-product:test";

    @Test
    void theImageRunsAsANonRootUserServesHttpsAndBecomesHealthy() throws Exception {
        build();
        int https = Ports.freeLoopbackPort();
        int admin = Ports.freeLoopbackPort();
        try (GenericContainer<?> berth = new GenericContainer<>(DockerImageName.parse(TAG))
                .withNetworkMode("host")
                .withImagePullPolicy(image -> false)
                .withEnv("BERTH_HOST", "127.0.0.1")
                .withEnv("BERTH_PROTOCOLS", "http")
                .withEnv("BERTH_HTTPS_PORT", String.valueOf(https))
                .withEnv("BERTH_HTTP_ENABLED", "false")
                .withEnv("BERTH_ADMIN_PORT", String.valueOf(admin))
                .waitingFor(Wait.forLogMessage(".*listening https .*:" + https + ".*", 1)
                        .withStartupTimeout(Duration.ofSeconds(120)))) {
            berth.start();
            DockerClient docker = DockerClientFactory.instance().client();

            String uid = berth.execInContainer("id", "-u").getStdout().strip();
            assertEquals("10001", uid, "the server runs as the image's berth user, not root");

            Program.Result page = Program.require("curl", "curl")
                    .args("-sk", "-o", "/dev/null", "-w", "%{http_code}", "https://127.0.0.1:" + https + "/")
                    .timeout(Duration.ofSeconds(30)).run().assertSuccess();
            assertEquals("200", page.stdout().strip(), page::describe);

            String health = awaitHealth(docker, berth.getContainerId(), Duration.ofSeconds(90));
            assertEquals("healthy", health, () -> "HEALTHCHECK on /healthz; logs:\n" + berth.getLogs());

            docker.stopContainerCmd(berth.getContainerId()).withTimeout(60).exec();
            Long exit = docker.inspectContainerCmd(berth.getContainerId()).exec().getState().getExitCodeLong();
            assertEquals(0L, exit, () -> "docker stop is a graceful stop:\n" + berth.getLogs());
        }
    }

    /** {@code docker build} with the Dockerfile and berth.jar alone in the context. */
    private static void build() throws IOException {
        Path context = Files.createTempDirectory("berth-image");
        Files.copy(ModuleJars.projectFile("distribution/container/Dockerfile"), context.resolve("Dockerfile"));
        Files.copy(ModuleJars.distribution(), context.resolve("berth.jar"));
        Program.Result r = Program.require("docker", "docker.io")
                .args("build", "-q", "--build-arg", "BASE=local/berth-jre:1", "-t", TAG, context.toString())
                .timeout(Duration.ofMinutes(5)).run();
        if (r.exitCode() != 0) {
            fail("docker build of distribution/container/Dockerfile failed:\n" + r.describe());
        }
    }

    private static String awaitHealth(DockerClient docker, String id, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        String status = "none";
        while (System.nanoTime() < end) {
            InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(id).exec().getState();
            status = state.getHealth() == null ? "none" : state.getHealth().getStatus();
            if (!"starting".equals(status)) {
                return status;
            }
            Thread.sleep(1000);
        }
        return status;
    }
}
