package dev.berth.core.tls;

import dev.berth.core.internal.tls.HostNames;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One SNI certificate set: a host name, exact ({@code mail.example.com}) or a wildcard of one label
 * ({@code *.example.com}), served with its own certificate chain and private key.
 */
public final class SniEntry {
    private final String hostName;
    private final Path certificateChain;
    private final Path privateKey;

    private SniEntry(String hostName, Path certificateChain, Path privateKey) {
        this.hostName = HostNames.normalize(Objects.requireNonNull(hostName, "hostName"));
        this.certificateChain = Objects.requireNonNull(certificateChain, "certificateChain");
        this.privateKey = privateKey;
        String bare = this.hostName.startsWith("*.") ? this.hostName.substring(2) : this.hostName;
        if (bare.isEmpty() || bare.contains("*") || !bare.matches("[a-z0-9._-]+")) {
            throw new IllegalArgumentException("'" + hostName + "' is not a host name or a *.domain wildcard");
        }
    }

    /** A host name served with a chain file whose private key is in {@code privateKey} (null: appended to the chain). */
    public static SniEntry of(String hostName, Path certificateChain, Path privateKey) {
        return new SniEntry(hostName, certificateChain, privateKey);
    }

    /** The host name in lower case, possibly starting with {@code *.}. */
    public String hostName() {
        return hostName;
    }

    public Path certificateChain() {
        return certificateChain;
    }

    /** The key file; empty when the key is appended to the chain file. */
    public Optional<Path> privateKey() {
        return Optional.ofNullable(privateKey);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SniEntry)) {
            return false;
        }
        SniEntry e = (SniEntry) o;
        return hostName.equals(e.hostName) && certificateChain.equals(e.certificateChain)
                && Objects.equals(privateKey, e.privateKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(hostName, certificateChain, privateKey);
    }

    @Override
    public String toString() {
        return hostName + "=" + certificateChain + (privateKey == null ? "" : ":" + privateKey);
    }
}
