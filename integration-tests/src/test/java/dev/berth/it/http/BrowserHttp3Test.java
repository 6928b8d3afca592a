package dev.berth.it.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.it.support.DeployedServer;
import dev.berth.it.support.Ports;
import dev.berth.it.support.Program;
import dev.berth.it.support.TestPki;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real browser on HTTP/3: Debian's headless Chromium, forced onto QUIC for the deployed server-http jar's origin
 * ({@code --http3 true}, HTTPS and HTTP/3 on one port number) and trusting the test certificate by its SPKI hash,
 * loads a page with a script, an image and a fetch(), and the page writes the protocol of each into its DOM.
 */
class BrowserHttp3Test {
    /** Chromium is killed after this, and the test fails with what it printed. */
    private static final Duration BROWSER_LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** A 1x1 PNG, so the image really decodes. */
    private static final String PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

    private static final String PAGE = """
            <!doctype html><html><head><title>h3</title><script src="app.js"></script></head>
            <body><img src="pixel.png" alt=""><pre id="out">pending</pre></body></html>
            """;

    /** After the load event and a fetch(), every resource timing entry's protocol, one per line. */
    private static final String SCRIPT = """
            window.addEventListener('load', () => {
              fetch('data.json').then(r => r.json()).then(body => {
                const nav = performance.getEntriesByType('navigation')
                    .map(e => 'navigation ' + e.name + ' ' + e.nextHopProtocol);
                const res = performance.getEntriesByType('resource')
                    .map(e => e.initiatorType + ' ' + e.name + ' ' + e.nextHopProtocol);
                document.getElementById('out').textContent =
                    'RESULT\\n' + nav.concat(res).join('\\n') + '\\nfetched ' + body.answer + '\\nEND';
              }, e => { document.getElementById('out').textContent = 'FETCH FAILED ' + e; });
            });
            """;

    /** The SHA-256 of the leaf's SubjectPublicKeyInfo, base64: what --ignore-certificate-errors-spki-list takes. */
    private static String spkiHash(Path chain) throws Exception {
        X509Certificate leaf;
        try (InputStream in = Files.newInputStream(chain)) {
            leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        return Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(leaf.getPublicKey().getEncoded()));
    }

    @Test
    void chromiumLoadsThePageItsScriptImageAndFetchAllOverHttp3() throws Exception {
        Program chromium = Program.require("chromium", "chromium");
        TestPki pki = TestPki.create(dir.resolve("pki"));
        Path root = Files.createDirectories(dir.resolve("www"));
        Files.writeString(root.resolve("index.html"), PAGE);
        Files.writeString(root.resolve("app.js"), SCRIPT);
        Files.write(root.resolve("pixel.png"), Base64.getDecoder().decode(PIXEL));
        Files.writeString(root.resolve("data.json"), "{\"answer\": 42}\n");
        // The browser goes to QUIC for localhost:PORT on UDP PORT, so HTTPS and HTTP/3 share the number.
        int port = Ports.freeLoopbackPort();
        try (DeployedServer server = pki.configure(DeployedServer.of("server-http", dir.resolve("server")))
                .flag("https-port", String.valueOf(port)).flag("h3-port", String.valueOf(port))
                .flag("http3", "true").listener("http").flag("admin-enabled", "false")
                .flag("root", root.toString()).start()) {
            assertEquals(port, server.port("h3"));
            String origin = "localhost:" + port;
            List<String> args = List.of("--headless=new", "--no-sandbox", "--disable-gpu",
                    "--user-data-dir=" + Files.createDirectories(dir.resolve("profile")),
                    "--no-first-run", "--disable-extensions", "--disable-background-networking",
                    "--origin-to-force-quic-on=" + origin,
                    // Chromium resolves localhost to ::1 first, and the server listens on 127.0.0.1 only
                    "--host-resolver-rules=MAP localhost 127.0.0.1",
                    "--ignore-certificate-errors-spki-list=" + spkiHash(pki.chain()),
                    "--virtual-time-budget=15000", "--dump-dom", "https://" + origin + "/");
            Program.Result r = chromium.args(args).timeout(BROWSER_LIMIT).run();
            String dom = r.stdout();
            int start = dom.indexOf("RESULT\n");
            int end = dom.indexOf("\nEND", start + 1);
            if (r.exitCode() != 0 || start < 0 || end < 0) {
                fail("Chromium did not report the protocols:\n" + r.describe() + "\n--- server ---\n" + server.tail());
            }
            List<String> entries = List.of(dom.substring(start + "RESULT\n".length(), end).split("\n"));
            List<String> notH3 = new ArrayList<>();
            for (String e : entries) {
                if (!e.startsWith("fetched ") && !e.endsWith(" h3")) {
                    notH3.add(e);
                }
            }
            String all = entries.stream().collect(Collectors.joining("\n"));
            assertTrue(notH3.isEmpty(), "every resource over h3, but:\n" + String.join("\n", notH3) + "\nall:\n" + all);
            for (String kind : List.of("navigation https://" + origin + "/ ", "script https://" + origin + "/app.js ",
                    "img https://" + origin + "/pixel.png ", "fetch https://" + origin + "/data.json ")) {
                assertTrue(entries.stream().anyMatch(e -> e.startsWith(kind)), "no entry for " + kind + "in:\n" + all);
            }
            assertTrue(entries.contains("fetched 42"), "the fetch() read the file's JSON:\n" + all);
        }
    }
}
