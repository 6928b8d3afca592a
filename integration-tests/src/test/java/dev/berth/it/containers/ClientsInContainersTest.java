package dev.berth.it.containers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.ContainerImages;
import dev.berth.it.support.DeployedServer;
import dev.berth.it.support.DockerNotice;
import dev.berth.it.support.Maildir;
import dev.berth.it.support.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.MountableFile;

/**
 * Clients in containers (curl, openssl s_client, swaks), on the host's network, against the
 * deployed server-http and server-smtp jars; each trusts only the test root, copied in.
 */
@ExtendWith(DockerNotice.class)
@Testcontainers(disabledWithoutDocker = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientsInContainersTest {
    private static final Duration ONE_SHOT = Duration.ofSeconds(180);

    @TempDir
    static Path dir;

    private TestPki pki;
    private DeployedServer http;
    private DeployedServer smtp;

    @BeforeAll
    void deploy() throws Exception {
        pki = TestPki.create(dir.resolve("pki"));
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("index.html"), "seen from a container\n");
        http = pki.configure(DeployedServer.of("server-http", dir.resolve("http")).listener("https")
                .flag("http-enabled", "false").flag("root", www.toString())).start();
        smtp = pki.configure(DeployedServer.of("server-smtp", dir.resolve("smtp")).listener("smtp")).start();
    }

    @AfterAll
    void stop() {
        // Each stop checks the graceful exit: SIGTERM, exit code 0, nothing left running.
        DeployedServer.stopAll(http, smtp);
    }

    /** Runs a shell command line in a one-shot container with the root CA at /pki/root.pem; returns its output. */
    private String oneShot(String image, String commandLine) {
        try (GenericContainer<?> c = ContainerImages.container(image)
                .withCopyFileToContainer(MountableFile.forHostPath(pki.rootCa()), "/pki/root.pem")
                .withCommand("sh", "-c", commandLine + "; echo exit=$?")
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(ONE_SHOT))) {
            c.start();
            return c.getLogs();
        }
    }

    @Test
    void curlInAContainerGetsThePageOverHttp2WithAVerifiedChain() {
        int port = http.port("https");
        String out = oneShot(ContainerImages.CURL, "curl -sS --max-time 60 --cacert /pki/root.pem --http2"
                + " --resolve localhost:" + port + ":127.0.0.1 -w '|%{http_code} %{http_version}\\n' https://localhost:" + port + "/");
        assertTrue(out.startsWith("seen from a container\n|200 2\nexit=0"), out);
    }

    @Test
    void opensslInAContainerVerifiesTheChainTheServerSends() {
        String out = oneShot(ContainerImages.OPENSSL, "openssl s_client -connect 127.0.0.1:" + http.port("https")
                + " -servername localhost -verify_hostname localhost -CAfile /pki/root.pem -verify_return_error"
                + " -showcerts </dev/null");
        assertTrue(out.contains("Verify return code: 0 (ok)") && out.contains(" 1 s:CN = Berth IT Intermediate CA"), out);
        assertTrue(out.contains("exit=0"), out);
    }

    @Test
    void swaksInAContainerDeliversOverStartTlsAndTheMaildirHoldsTheMessage() {
        String out = oneShot(ContainerImages.SWAKS, "swaks --server 127.0.0.1:" + smtp.port("smtp")
                + " --tls --tls-verify --tls-ca-path /pki/root.pem --tls-sni localhost"
                + " --from alice@example.org --to bob@example.com --header 'Subject: from a swaks container'"
                + " --body 'container body'");
        assertTrue(out.contains("<~  250 2.0.0") && out.contains("exit=0"), out);
        byte[] stored = new Maildir(smtp.dataDir().resolve("maildir")).messageContaining("Subject: from a swaks container");
        String text = new String(stored, StandardCharsets.US_ASCII);
        assertTrue(text.contains("with ESMTPS") && text.contains("\r\n\r\ncontainer body\r\n"), text);
    }
}
