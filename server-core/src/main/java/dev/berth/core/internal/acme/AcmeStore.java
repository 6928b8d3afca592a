package dev.berth.core.internal.acme;

import dev.berth.core.BerthException;
import dev.berth.core.tls.AcmeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.shredzone.acme4j.util.KeyPairUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where ACME material lives under the data directory, one directory per ACME server (so staging and
 * production never mix): {@code acme/HOST[_PORT]/account-key.pem}, and per certificate (named by its first
 * domain) {@code acme/HOST/DOMAIN/chain.pem} and {@code key.pem}. Keys are written 0600, every file by
 * rename so a reader never sees half of one.
 */
final class AcmeStore {
    private static final Logger log = LoggerFactory.getLogger(AcmeStore.class);

    private final Path root;
    private final Path certificateDirectory;

    AcmeStore(Path dataDirectory, AcmeConfig config) {
        String host = config.directory().getHost().toLowerCase(Locale.ROOT);
        int port = config.directory().getPort();
        this.root = dataDirectory.resolve("acme").resolve(port > 0 ? host + "_" + port : host);
        this.certificateDirectory = root.resolve(config.domains().get(0));
    }

    Path accountKeyFile() {
        return root.resolve("account-key.pem");
    }

    Path chainFile() {
        return certificateDirectory.resolve("chain.pem");
    }

    Path keyFile() {
        return certificateDirectory.resolve("key.pem");
    }

    /**
     * The account key: read when it exists, made and written (0600) only when the file is absent. A file
     * that exists but cannot be read fails: an account key is never replaced silently.
     */
    KeyPair accountKey() {
        Path f = accountKeyFile();
        if (Files.exists(f)) {
            try (Reader r = Files.newBufferedReader(f, StandardCharsets.US_ASCII)) {
                return KeyPairUtils.readKeyPair(r);
            } catch (IOException | RuntimeException e) {
                throw new BerthException("ACME account key " + f + ": cannot be read (" + e.getMessage()
                        + "); it is not replaced on its own: restore it, or delete it to register a new account");
            }
        }
        KeyPair key = KeyPairUtils.createECKeyPair("secp256r1");
        writeSecret(f, pem(key));
        log.info("ACME: made a new account key {}", f);
        return key;
    }

    /** The stored chain, when chain and key files both exist and the chain parses. */
    Optional<List<X509Certificate>> chain() {
        if (!Files.isRegularFile(chainFile()) || !Files.isRegularFile(keyFile())) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(chainFile())) {
            List<X509Certificate> out = new ArrayList<>();
            CertificateFactory.getInstance("X.509").generateCertificates(in).forEach(c -> out.add((X509Certificate) c));
            return out.isEmpty() ? Optional.empty() : Optional.of(out);
        } catch (IOException | CertificateException e) {
            log.warn("ACME: stored chain {} cannot be read ({}); a new certificate will be ordered", chainFile(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Stores a new certificate: the key (0600) first, then the chain, each by rename. */
    void save(List<X509Certificate> chain, KeyPair key) {
        writeSecret(keyFile(), pem(key));
        StringBuilder sb = new StringBuilder();
        Base64.Encoder b64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
        try {
            for (X509Certificate c : chain) {
                sb.append("-----BEGIN CERTIFICATE-----\n").append(b64.encodeToString(c.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            }
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new BerthException("ACME: the issued certificate cannot be encoded: " + e.getMessage());
        }
        write(chainFile(), sb.toString(), false);
    }

    private static String pem(KeyPair key) {
        StringWriter w = new StringWriter();
        try (Writer out = w) {
            KeyPairUtils.writeKeyPair(key, out);
        } catch (IOException e) {
            throw new BerthException("ACME: cannot encode a key: " + e.getMessage());
        }
        return w.toString();
    }

    private static void writeSecret(Path f, String content) {
        write(f, content, true);
    }

    private static void write(Path f, String content, boolean secret) {
        try {
            Files.createDirectories(f.getParent());
            Path tmp = f.resolveSibling("." + f.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            if (secret && f.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, content, StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new BerthException("ACME: cannot write " + f + ": " + e.getMessage());
        }
    }
}
