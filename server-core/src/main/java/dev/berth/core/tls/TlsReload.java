package dev.berth.core.tls;

import java.util.List;
import java.util.Optional;

/** What reloading one TLS setup's files did: the new material is in use, or the old one still is, and why. */
public final class TlsReload {
    private final String certificateChain;
    private final List<String> listeners;
    private final String failure;

    /** The outcome for the setup named by {@code certificateChain}; {@code failure} is null when it reloaded. */
    public TlsReload(String certificateChain, List<String> listeners, String failure) {
        this.certificateChain = certificateChain;
        this.listeners = List.copyOf(listeners);
        this.failure = failure;
    }

    /** The setup's main certificate chain file, which names it. */
    public String certificateChain() {
        return certificateChain;
    }

    /** The listeners that share this setup. */
    public List<String> listeners() {
        return listeners;
    }

    /** True when new connections now get the material just loaded. */
    public boolean reloaded() {
        return failure == null;
    }

    /** Why the previous material is still served: the file, the problem and the fix. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public String toString() {
        return certificateChain + " (listeners " + String.join(", ", listeners) + "): "
                + (failure == null ? "reloaded" : "kept the previous certificates: " + failure);
    }
}
