package dev.berth.it.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.it.support.DeployedServer;
import dev.berth.it.support.ModuleJars;
import dev.berth.it.support.Ports;
import dev.berth.it.support.Program;
import dev.berth.it.support.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The Kubernetes manifests under distribution/kubernetes (docs/deploy.md), checked without a cluster: they parse,
 * their selectors, ports and names agree with each other and with Berth's defaults, the grace period outlasts the
 * pre-stop pause plus the drain deadline, the ConfigMap's configuration starts the deployed jar, and the probes'
 * own commands, run as the kubelet would run them inside the container, pass against that server and fail
 * against nothing.
 */
class KubernetesManifestsTest {
    private static final String MANIFEST = "distribution/kubernetes/berth-smtp.yaml";
    /** The jar the manifest's image holds (distribution/container/Dockerfile with JAR=server-smtp-kafka.jar). */
    private static final String IMAGE_JAR = "server-smtp-kafka";

    @TempDir
    static Path dir;

    private static List<Map<String, Object>> documents;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        String text = Files.readString(ModuleJars.projectFile(MANIFEST));
        documents = new ArrayList<>();
        for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(text)) {
            if (doc != null) {
                documents.add((Map<String, Object>) doc);
            }
        }
    }

    @Test
    void everyDocumentIsAKubernetesObjectWithAKindAndAName() {
        assertEquals(List.of("ConfigMap", "Deployment", "Service", "PodDisruptionBudget"),
                documents.stream().map(d -> (String) d.get("kind")).toList());
        for (Map<String, Object> d : documents) {
            assertNotNull(d.get("apiVersion"), () -> "apiVersion of " + d.get("kind"));
            assertEquals("berth-smtp", string(d, "metadata", "name"), () -> "name of " + d.get("kind"));
        }
    }

    @Test
    void theServiceAndTheBudgetSelectTheDeploymentsPodsAndTheServiceTargetsARealContainerPort() {
        Map<String, Object> labels = map(kind("Deployment"), "spec", "template", "metadata", "labels");
        assertEquals(map(kind("Deployment"), "spec", "selector", "matchLabels"), labels);
        assertEquals(labels, map(kind("Service"), "spec", "selector"));
        assertEquals(labels, map(kind("PodDisruptionBudget"), "spec", "selector", "matchLabels"));

        List<Map<String, Object>> containerPorts = list(container(), "ports");
        for (Map<String, Object> port : list(kind("Service"), "spec", "ports")) {
            Object target = port.get("targetPort");
            assertTrue(containerPorts.stream().anyMatch(c -> target.equals(c.get("name"))
                            || target.equals(c.get("containerPort"))),
                    () -> "the Service's targetPort " + target + " is a port of the container: " + containerPorts);
        }
        assertTrue((Integer) map(kind("Deployment"), "spec").get("replicas") > 1, "more than one instance");
        assertTrue((Integer) map(kind("PodDisruptionBudget"), "spec").get("minAvailable")
                < (Integer) map(kind("Deployment"), "spec").get("replicas"), "a budget that lets a rollout proceed");
    }

    @Test
    void theContainerPortIsTheSmtpListenersPortInTheConfigurationAndBerthsDefault() {
        Map<String, Object> config = berthConfig();
        int configured = (Integer) map(config, "listeners", "smtp").get("port");
        assertEquals(2525, configured, "the SMTP listener's default port, which the image EXPOSEs");
        Map<String, Object> smtpPort = list(container(), "ports").stream()
                .filter(p -> "smtp".equals(p.get("name"))).findFirst().orElseThrow();
        assertEquals(configured, smtpPort.get("containerPort"));
        assertEquals("on", String.valueOf(map(config, "listeners", "smtp").get("proxy-protocol")),
                "the load balancer's PROXY header is expected");
    }

    @Test
    void theGracePeriodOutlastsThePreStopPauseAndTheDrainDeadline() {
        int grace = (Integer) map(kind("Deployment"), "spec", "template", "spec").get("terminationGracePeriodSeconds");
        List<String> preStop = strings(map(container(), "lifecycle", "preStop", "exec"), "command");
        assertEquals("sleep", preStop.get(0), "the pre-stop pause: " + preStop);
        long pause = Long.parseLong(preStop.get(1));
        Duration drain = duration((String) berthConfig().get("shutdown-timeout"));
        assertTrue(grace > pause + drain.toSeconds(),
                () -> "terminationGracePeriodSeconds " + grace + " must exceed preStop " + pause + " s + shutdown-timeout "
                        + drain.toSeconds() + " s, or the kubelet's SIGKILL cuts the drain");
    }

    @Test
    void theProbesAskTheAdminListenersReadinessAndLivenessPaths() {
        assertTrue(probe("readinessProbe").contains("GET /readyz "), probe("readinessProbe"));
        assertTrue(probe("livenessProbe").contains("GET /healthz "), probe("livenessProbe"));
        assertTrue(probe("startupProbe").contains("GET /healthz "), probe("startupProbe"));
        String adminPort = list(container(), "env").stream().filter(e -> "BERTH_ADMIN_PORT".equals(e.get("name")))
                .map(e -> (String) e.get("value")).findFirst().orElse("9464");
        assertEquals("9464", adminPort, "the admin listener's default port");
        assertTrue(probe("readinessProbe").contains("${BERTH_ADMIN_PORT:-9464}"));
    }

    @Test
    void theConfigurationStartsTheImagesJarAndTheProbesPassAgainstItAndFailWithoutIt() throws Exception {
        Path config = Files.writeString(dir.resolve("berth.yaml"), (String) map(kind("ConfigMap"), "data").get("berth.yaml"));
        TestPki pki = TestPki.create(dir.resolve("pki"));
        // The file as shipped; flags (which win over it) move only what a pod has and this machine has not: the
        // loopback address, free ports, the test certificate, a data directory, and brokers (none: the Kafka store
        // starts without them and answers 451 until they come).
        try (DeployedServer berth = pki.configure(DeployedServer.of(IMAGE_JAR, dir.resolve("pod"))
                .flag("config", config.toString())
                .flag("smtp-port", "0")
                .flag("smtp-proxy-trusted", "127.0.0.1/32")
                .flag("admin-port", "0")
                .flag("kafka-bootstrap", "127.0.0.1:" + Ports.freeLoopbackPort())).start()) {
            int admin = berth.port("admin");
            for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
                Program.Result ok = runProbe(probe, admin);
                assertEquals(0, ok.exitCode(), () -> probe + " against the running server\n" + ok.describe());
            }
            assertTrue(berth.log().contains("listening smtp"), berth::tail);
            Program.Result nothing = runProbe("readinessProbe", Ports.freeLoopbackPort());
            assertNotEquals(0, nothing.exitCode(), () -> "the readiness probe fails where nothing listens\n"
                    + nothing.describe());
            assertEquals(0, berth.terminate(), () -> "a clean stop on SIGTERM\n" + berth.tail());
        }
    }

    private static Program.Result runProbe(String probe, int adminPort) {
        List<String> command = strings(map(container(), probe, "exec"), "command");
        assertEquals("bash", command.get(0));
        return Program.require("bash", "bash").args(command.subList(1, command.size()))
                .env("BERTH_ADMIN_PORT", String.valueOf(adminPort)).timeout(Duration.ofSeconds(10)).run();
    }

    private static String probe(String name) {
        return String.join(" ", strings(map(container(), name, "exec"), "command"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> berthConfig() {
        String text = (String) map(kind("ConfigMap"), "data").get("berth.yaml");
        return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(text);
    }

    private static Map<String, Object> kind(String kind) {
        return documents.stream().filter(d -> kind.equals(d.get("kind"))).findFirst()
                .orElseGet(() -> fail(MANIFEST + " has no " + kind));
    }

    private static Map<String, Object> container() {
        List<Map<String, Object>> containers = list(kind("Deployment"), "spec", "template", "spec", "containers");
        assertEquals(1, containers.size());
        return containers.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> from, String... path) {
        Object at = from;
        for (String key : path) {
            assertTrue(at instanceof Map, () -> "no map at " + String.join(".", path) + " in " + from.get("kind"));
            at = ((Map<String, Object>) at).get(key);
        }
        assertTrue(at instanceof Map, () -> String.join(".", path) + " in " + from.get("kind") + " is a map");
        return (Map<String, Object>) at;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> from, String... path) {
        Map<String, Object> parent = path.length == 1 ? from : map(from, java.util.Arrays.copyOf(path, path.length - 1));
        Object at = parent.get(path[path.length - 1]);
        assertTrue(at instanceof List, () -> String.join(".", path) + " in " + from.get("kind") + " is a list");
        return (List<Map<String, Object>>) at;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Map<String, Object> from, String key) {
        Object at = from.get(key);
        assertTrue(at instanceof List, () -> key + " is a list");
        return ((List<Object>) at).stream().map(Objects::toString).toList();
    }

    private static String string(Map<String, Object> from, String... path) {
        Map<String, Object> parent = map(from, java.util.Arrays.copyOf(path, path.length - 1));
        return (String) parent.get(path[path.length - 1]);
    }

    /** Berth's duration syntax as the config uses it: {@code 20s}, {@code 2m}. */
    private static Duration duration(String text) {
        assertFalse(text == null || text.isEmpty(), "a duration");
        long n = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            default -> fail("unexpected duration " + text);
        };
    }
}
