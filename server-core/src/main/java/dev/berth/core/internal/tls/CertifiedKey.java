package dev.berth.core.internal.tls;

import dev.berth.core.tls.TlsMaterial;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** A certificate chain (leaf first) with the leaf's private key, and the files they came from. */
final class CertifiedKey {
    final List<X509Certificate> chain;
    final PrivateKey key;
    final Path chainFile;
    final Path keyFile;

    CertifiedKey(List<X509Certificate> chain, PrivateKey key, Path chainFile, Path keyFile) {
        this.chain = List.copyOf(chain);
        this.key = key;
        this.chainFile = chainFile;
        this.keyFile = keyFile;
    }

    X509Certificate leaf() {
        return chain.get(0);
    }

    TlsMaterial material() {
        return TlsMaterial.of(key, chain);
    }

    X509Certificate[] chainArray() {
        return chain.toArray(new X509Certificate[0]);
    }
}
