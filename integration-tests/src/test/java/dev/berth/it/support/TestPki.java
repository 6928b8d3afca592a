package dev.berth.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A throw-away certificate chain made with the openssl command: a root CA, an intermediate CA and a
 * server certificate for {@code localhost} and {@code 127.0.0.1}. The server is given the leaf and
 * the intermediate; clients trust only the root, so a verified connection proves the chain is sent.
 */
public final class TestPki {
    private final Path dir;

    private TestPki(Path dir) {
        this.dir = dir;
    }

    /** Makes the chain under {@code dir}. */
    public static TestPki create(Path dir) {
        Program openssl = Program.require("openssl", "openssl");
        try {
            Files.createDirectories(dir);
            // The leaf names a CRL distribution point (never fetched) because a certificate with neither
            // CRL nor OCSP URI is a finding of its own in a TLS audit, and validity stays under 398 days.
            Files.writeString(dir.resolve("ext.cnf"), String.join("\n",
                    "[ca]",
                    "basicConstraints = critical, CA:TRUE, pathlen:0",
                    "keyUsage = critical, keyCertSign, cRLSign",
                    "subjectKeyIdentifier = hash",
                    "authorityKeyIdentifier = keyid",
                    "[leaf]",
                    "basicConstraints = critical, CA:FALSE",
                    "keyUsage = critical, digitalSignature",
                    "extendedKeyUsage = serverAuth",
                    "subjectAltName = DNS:localhost, IP:127.0.0.1",
                    "crlDistributionPoints = URI:http://127.0.0.1/berth-it.crl",
                    "subjectKeyIdentifier = hash",
                    "authorityKeyIdentifier = keyid",
                    ""));
            run(openssl, dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", "root.key", "-out", "root.pem", "-days", "200", "-subj", "/CN=Berth IT Root CA",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            run(openssl, dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", "intermediate.key", "-out", "intermediate.csr", "-subj", "/CN=Berth IT Intermediate CA");
            run(openssl, dir, "x509", "-req", "-in", "intermediate.csr", "-CA", "root.pem", "-CAkey", "root.key",
                    "-CAcreateserial", "-days", "150", "-extfile", "ext.cnf", "-extensions", "ca", "-out", "intermediate.pem");
            run(openssl, dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
            run(openssl, dir, "x509", "-req", "-in", "server.csr", "-CA", "intermediate.pem", "-CAkey", "intermediate.key",
                    "-CAcreateserial", "-days", "100", "-extfile", "ext.cnf", "-extensions", "leaf", "-out", "server.pem");
            Files.writeString(dir.resolve("chain.pem"),
                    Files.readString(dir.resolve("server.pem")) + Files.readString(dir.resolve("intermediate.pem")));
            return new TestPki(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(Program openssl, Path dir, String... args) {
        openssl.args(args).workDir(dir).timeout(Duration.ofSeconds(60)).run().assertSuccess();
    }

    /** The server's chain: leaf first, then the intermediate ({@code --tls-cert}). */
    public Path chain() {
        return dir.resolve("chain.pem");
    }

    /** The server's private key ({@code --tls-key}). */
    public Path key() {
        return dir.resolve("server.key");
    }

    /** The root CA, the only certificate clients trust. */
    public Path rootCa() {
        return dir.resolve("root.pem");
    }

    /** Adds {@code --tls-cert} and {@code --tls-key} for this chain to a server. */
    public DeployedServer.Builder configure(DeployedServer.Builder server) {
        return server.flag("tls-cert", chain().toString()).flag("tls-key", key().toString());
    }
}
