package dev.berth.it.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.DeployedServer;
import dev.berth.it.support.Program;
import dev.berth.it.support.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployed server-http jar against curl (HTTP/1.1, HTTPS, HTTP/2, h2c), h2load and
 * {@code openssl s_client}: status, bytes and protocol as each client saw them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpClientsTest {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;

    private final Program curl = Program.require("curl", "curl");
    private final Program openssl = Program.require("openssl", "openssl");
    private TestPki pki;
    private DeployedServer server;
    private byte[] binary;

    @BeforeAll
    void deploy() throws Exception {
        pki = TestPki.create(dir.resolve("pki"));
        Path root = Files.createDirectories(dir.resolve("www"));
        Files.writeString(root.resolve("index.html"), "<!doctype html><title>Berth IT</title><p>served by Berth\n");
        binary = new byte[300 * 1024];
        new Random(7).nextBytes(binary);
        Files.write(root.resolve("blob.bin"), binary);
        server = pki.configure(DeployedServer.of("server-http", dir.resolve("server"))
                .listener("https").listener("http").flag("root", root.toString())).start();
    }

    @AfterAll
    void stop() {
        DeployedServer.stopAll(server);
    }

    private String https(String path) {
        return "https://localhost:" + server.port("https") + path;
    }

    /** curl verifying the chain against the test root only, resolving localhost to IPv4 loopback. */
    private Program.Result curl(String... args) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("-sS", "--max-time", "60",
                "--cacert", pki.rootCa().toString(), "--resolve", "localhost:" + server.port("https") + ":127.0.0.1"));
        all.addAll(java.util.List.of(args));
        return curl.args(all).timeout(CLIENT_TIMEOUT).run().assertSuccess();
    }

    @Test
    void curlOverHttp11WithTlsGetsTheFileByteForByte() throws Exception {
        Path out = dir.resolve("blob-h1.bin");
        Program.Result r = curl("--http1.1", "-o", out.toString(), "-w", "%{http_code} %{http_version} %{ssl_verify_result}",
                https("/blob.bin"));
        assertEquals("200 1.1 0", r.stdout());
        assertArrayEquals(binary, Files.readAllBytes(out));
    }

    @Test
    void curlNegotiatesHttp2ByAlpnAndGetsTheFileByteForByte() throws Exception {
        Path out = dir.resolve("blob-h2.bin");
        Program.Result r = curl("--http2", "-o", out.toString(), "-w", "%{http_code} %{http_version}", https("/blob.bin"));
        assertEquals("200 2", r.stdout());
        assertArrayEquals(binary, Files.readAllBytes(out));
    }

    @Test
    void curlGetsTheIndexPageWithHstsOverHttps() {
        Program.Result r = curl("-i", "--http1.1", https("/"));
        String answer = r.stdout();
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        assertTrue(answer.toLowerCase().contains("strict-transport-security: max-age="), answer);
        assertTrue(answer.endsWith("<!doctype html><title>Berth IT</title><p>served by Berth\n"), answer);
    }

    @Test
    void curlOverPlainHttp11IsRedirectedToHttpsAndFollowsTheRedirect() {
        String plain = "http://127.0.0.1:" + server.port("http") + "/blob.bin";
        String answer = curl("-i", "--http1.1", plain).stdout();
        assertTrue(answer.startsWith("HTTP/1.1 301"), answer);
        assertTrue(answer.toLowerCase().contains("location: https://127.0.0.1:" + server.port("https") + "/blob.bin"), answer);
        Program.Result followed = curl("-L", "-o", "/dev/null", "-w", "%{http_code} %{http_version} %{num_redirects}", plain);
        assertEquals("200 2 1", followed.stdout());
    }

    @Test
    void curlWithHttp2PriorKnowledgeOnThePlaintextListenerSpeaksH2c() {
        Program.Result r = curl("--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_code} %{http_version}",
                "http://127.0.0.1:" + server.port("http") + "/");
        assertEquals("301 2", r.stdout());
    }

    @Test
    void h2loadSendsAShortBurstOverHttp2WithNoFailedRequest() {
        Program h2load = Program.require("h2load", "nghttp2-client");
        int requests = 400;
        Program.Result r = h2load.args("-n", String.valueOf(requests), "-c", "4", "-m", "8", "-t", "1",
                        "--connect-to", "127.0.0.1:" + server.port("https"), https("/"))
                .timeout(CLIENT_TIMEOUT).run().assertSuccess();
        String out = r.stdout();
        Matcher m = Pattern.compile("requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, "
                + "(\\d+) failed, (\\d+) errored, (\\d+) timeout").matcher(out);
        assertTrue(m.find(), r.describe());
        assertEquals(requests + " " + requests + " 0 0 0", m.group(3) + " " + m.group(4) + " " + m.group(5) + " "
                + m.group(6) + " " + m.group(7), () -> "all done and succeeded, none failed, errored or timed out\n" + out);
        assertTrue(out.contains("status codes: " + requests + " 2xx, 0 3xx, 0 4xx, 0 5xx"), out);
        assertTrue(out.contains("Application protocol: h2"), out);
    }

    /** openssl s_client with the given extra arguments, after a TLS handshake with nothing sent. */
    private Program.Result sClient(String... extra) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("s_client", "-connect",
                "127.0.0.1:" + server.port("https"), "-servername", "localhost"));
        args.addAll(java.util.List.of(extra));
        return openssl.args(args).stdin("").timeout(CLIENT_TIMEOUT).run();
    }

    @Test
    void opensslSeesTheWholeChainVerifiedAgainstTheRoot() {
        Program.Result r = sClient("-showcerts", "-CAfile", pki.rootCa().toString(), "-verify_return_error",
                "-verify_hostname", "localhost");
        String out = r.stdout();
        assertEquals(0, r.exitCode(), r::describe);
        assertTrue(out.contains("Verify return code: 0 (ok)"), out);
        assertTrue(out.contains(" 0 s:CN = localhost") && out.contains(" 1 s:CN = Berth IT Intermediate CA"),
                () -> "the server sends its certificate and the intermediate:\n" + out);
        assertEquals(2, out.split("-----BEGIN CERTIFICATE-----", -1).length - 1, out);
    }

    @Test
    void opensslCompletesTls13AndTls12Handshakes() {
        Program.Result v13 = sClient("-tls1_3", "-CAfile", pki.rootCa().toString());
        assertTrue(v13.stdout().contains("New, TLSv1.3, Cipher is"), v13::describe);
        Program.Result v12 = sClient("-tls1_2", "-CAfile", pki.rootCa().toString());
        assertTrue(v12.stdout().contains("New, TLSv1.2, Cipher is ECDHE-"), v12::describe);
    }

    @Test
    void opensslIsRefusedTls11AndTls10() {
        // SECLEVEL=0 lets this OpenSSL offer the old versions at all, so the refusal is the server's.
        for (String version : new String[] {"-tls1_1", "-tls1"}) {
            Program.Result r = sClient(version, "-cipher", "DEFAULT@SECLEVEL=0");
            assertTrue(r.exitCode() != 0 && !r.stdout().contains("Cipher is ECDHE"),
                    () -> version + " is refused\n" + r.describe());
        }
    }

    @Test
    void opensslOfferingH2AndHttp11GetsH2ByAlpn() {
        Program.Result r = sClient("-alpn", "h2,http/1.1", "-CAfile", pki.rootCa().toString());
        assertTrue(r.stdout().contains("ALPN protocol: h2"), r::describe);
    }
}
