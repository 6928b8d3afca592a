package dev.berth.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Server;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every PEM layout OpenSSL writes loads, and a real client verifies the chain it is served. */
class PemMaterialServedTest {
    @TempDir
    Path data;

    @ParameterizedTest(name = "{0} with key {1} is served and verifies")
    @CsvSource({
        "rsa-chain.pem, rsa.key, false, RSA",
        "rsa-chain.pem, rsa-pkcs8-enc.key, true, RSA",
        "rsa-chain.pem, rsa-pkcs1.key, false, RSA",
        "rsa-chain.pem, rsa-pkcs1-enc.key, true, RSA",
        "rsa-chain-and-key.pem, , false, RSA",
        "ec-chain.pem, ec-sec1.key, false, ECDSA",
        "ec-chain.pem, ec-sec1-enc.key, true, ECDSA",
        "ec-chain.pem, ec-pkcs8.key, false, ECDSA",
        "ec-chain.pem, ec-pkcs8-enc.key, true, ECDSA",
    })
    void aChainAndKeyAsOpenSslWritesThemAreServed(String chain, String key, boolean encrypted, String keyType) {
        TlsConfig.Builder b = TlsConfig.builder().certificateChain(TestPki.file(chain));
        if (key != null) {
            b.privateKey(TestPki.file(key));
        }
        if (encrypted) {
            b.keyPassphrase(Secret.of(TestPki.PASSPHRASE));
        }
        LineModule line = new LineModule();
        try (Server server = line.start(TlsMode.IMPLICIT, b.build(), data)) {
            OpenSslClient.Result r = OpenSslClient.run(server.localAddress("line"), "hello\nQUIT\n",
                    "-verify_return_error", "-servername", "localhost");
            assertTrue(r.output.contains("Verify return code: 0 (ok)"), r.toString());
            assertTrue(r.output.contains("ECHO hello"), r.toString());
            assertTrue(r.output.contains("Peer signature type: " + (keyType.equals("RSA") ? "RSA" : "ECDSA"))
                    || r.output.contains("Peer signature type: RSA-PSS") && keyType.equals("RSA"), r.toString());
            assertEquals("hello", line.received.peek());
        }
    }
}
