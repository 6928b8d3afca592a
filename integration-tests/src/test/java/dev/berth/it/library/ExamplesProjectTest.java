package dev.berth.it.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.PlainSmtpClient;
import dev.berth.it.support.Ports;
import dev.berth.it.support.Program;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/mail-and-json, a separate Maven project, built from the artifacts this build installed
 * (run the suite with {@code mvn install}): its dependency tree is what a library user gets, and the
 * program runs as a user runs it.
 */
class ExamplesProjectTest {
    private static Path project;
    private static List<String> dependencies;

    @BeforeAll
    static void build() throws IOException {
        project = Path.of(System.getProperty("berth.root"), "examples", "mail-and-json").toAbsolutePath().normalize();
        Path list = project.resolve("target").resolve("dependencies.txt");
        Program.require("mvn", "maven").args("-B", "-q", "-f", project.resolve("pom.xml").toString(),
                        "clean", "package", "dependency:list", "dependency:build-classpath",
                        "-DoutputFile=" + list, "-DoutputAbsoluteArtifactFilename=true", "-DexcludeTransitive=false",
                        "-Dmdep.outputFile=" + project.resolve("target").resolve("classpath.txt"))
                .timeout(Duration.ofMinutes(5)).run().assertSuccess();
        // group:artifact:type[:classifier]:version:scope:/path/to.jar, then maybe " -- module NAME"
        dependencies = Files.readAllLines(list).stream().map(String::trim).map(l -> l.replaceAll(" -- module .*$", ""))
                .filter(l -> l.matches("[\\w.-]+:[\\w.-]+:.*")).collect(Collectors.toList());
    }

    @Test
    void theResolvedTreeHasOneCopyOfEachLibraryAndNoLoggingBackend() throws IOException {
        assertFalse(dependencies.isEmpty());
        Map<String, String> seen = new HashMap<>();
        for (String d : dependencies) {
            String[] parts = d.split(":");
            // natives of several platforms (netty's epoll for x86_64 and aarch_64, say) differ by classifier
            String key = parts[0] + ":" + parts[1] + (parts.length == 7 ? ":" + parts[3] : "");
            assertTrue(seen.put(key, d) == null, "one copy of " + key + ": " + dependencies);
            assertFalse(parts[0].startsWith("ch.qos.logback"), "no logback unless the project asks: " + d);
            assertFalse(parts[0].equals("info.picocli"), "no command-line library in a library user's tree: " + d);
        }
        assertTrue(seen.containsKey("io.netty:netty-all"), dependencies.toString());
        assertTrue(seen.containsKey("org.slf4j:slf4j-api"), dependencies.toString());
        assertFalse(seen.containsKey("dev.berth:berth-launcher"), "the launcher is not a library dependency");
    }

    @Test
    void berthsArtifactsArePlainJarsThatDeclareTheirDependencies() throws IOException {
        for (String d : dependencies) {
            if (!d.startsWith("dev.berth:")) {
                continue;
            }
            Path jar = Path.of(d.substring(d.lastIndexOf(':') + 1));
            try (JarFile j = new JarFile(jar.toFile())) {
                assertTrue(j.stream().noneMatch(e -> e.getName().startsWith("io/netty/")
                        || e.getName().startsWith("ch/qos/") || e.getName().startsWith("picocli/")),
                        jar + " carries only Berth's own classes");
            }
        }
    }

    @Test
    void theApplicationReceivesMailServesJsonAndStaysUpUntilSigterm(@TempDir Path data) throws Exception {
        int smtp = Ports.freeLoopbackPort();
        int http = Ports.freeLoopbackPort();
        String classpath = project.resolve("target").resolve("classes") + java.io.File.pathSeparator
                + Files.readString(project.resolve("target").resolve("classpath.txt")).trim();
        Path log = data.resolve("app.log");
        Process app = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, "example.mailjson.MailAndJson", String.valueOf(smtp), String.valueOf(http),
                data.resolve("berth").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            URI api = URI.create("http://127.0.0.1:" + http + "/api/mail");
            String body = null;
            for (int i = 0; i < 200 && app.isAlive() && body == null; i++) {
                try {
                    body = client.send(HttpRequest.newBuilder(api).build(), HttpResponse.BodyHandlers.ofString()).body();
                } catch (IOException notYet) {
                    Thread.sleep(50);
                }
            }
            assertEquals("{\"stored\":0}", body, Files.readString(log));
            try (PlainSmtpClient c = new PlainSmtpClient(new InetSocketAddress("127.0.0.1", smtp))) {
                assertTrue(c.send("a@example.org", "b@example.com",
                        "Subject: hello\r\n\r\nfrom the example\r\n".getBytes(StandardCharsets.US_ASCII)));
            }
            assertEquals("{\"stored\":1}",
                    client.send(HttpRequest.newBuilder(api).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertFalse(app.waitFor(2, TimeUnit.SECONDS), "the application stays up: " + Files.readString(log));
            app.destroy(); // SIGTERM
            assertTrue(app.waitFor(15, TimeUnit.SECONDS), "SIGTERM stops it");
            // 143 (128 + SIGTERM) is how every JVM exits on SIGTERM once its shutdown hooks are done.
            assertEquals(143, app.exitValue(), Files.readString(log));
        } finally {
            app.destroyForcibly();
        }
    }
}
