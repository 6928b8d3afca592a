package dev.berth.core.internal.tls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.berth.core.BerthException;
import dev.berth.core.tls.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * PEM loading on arbitrary file contents: a certificate chain or private key file either loads, or fails with
 * one {@link BerthException} whose message names the file; never another exception (a bad file must stop
 * the start with one clear line, not a stack trace).
 *
 * <p>Input layout: byte 0 picks certificates (even) or key (odd), and with or without the passphrase
 * {@code s3cret-pass} (bit 1); the rest is the file.
 */
class PemFilesFuzzTest {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("pem-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DIR.toFile().deleteOnExit();
    }

    @FuzzTest
    void aPemFileLoadsOrFailsWithOneMessageNamingIt(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        Path file = DIR.resolve("fuzzed.pem");
        Files.write(file, java.util.Arrays.copyOfRange(input, 1, input.length));
        try {
            if ((input[0] & 1) == 0) {
                List<X509Certificate> chain = PemFiles.certificates(file, "TLS certificate chain");
                assertFalse(chain.isEmpty(), "an empty chain loaded");
            } else {
                PrivateKey key = PemFiles.privateKey(file, (input[0] & 2) != 0 ? Secret.of("s3cret-pass") : null);
                assertNotNull(key, "no key and no failure");
            }
        } catch (BerthException e) {
            assertTrue(e.getMessage().contains(file.toString()), "the message does not name the file: " + e.getMessage());
            assertFalse(e.getMessage().contains("s3cret-pass"), "the passphrase is in the message");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
