package dev.berth.core.internal.tls;

import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsContextProvider;
import dev.berth.core.tls.TlsMode;
import io.netty.util.AttributeKey;
import java.time.Duration;

/**
 * The TLS of one TCP listener whose mode is not {@link TlsMode#NONE}: its mode, the provider of its
 * contexts (shared with every listener of equal settings), and its settings.
 */
public final class ListenerTls {
    /** The channel attribute holding the TLS of a connection's listener; absent on plaintext-only listeners. */
    public static final AttributeKey<ListenerTls> KEY = AttributeKey.valueOf("berth.listener-tls");

    private final TlsMode mode;
    private final TlsContextProvider provider;
    private final TlsConfig config;

    ListenerTls(TlsMode mode, TlsContextProvider provider, TlsConfig config) {
        if (mode == TlsMode.NONE) {
            throw new IllegalArgumentException("a listener without TLS has no ListenerTls");
        }
        this.mode = mode;
        this.provider = provider;
        this.config = config;
    }

    public TlsMode mode() {
        return mode;
    }

    public TlsContextProvider provider() {
        return provider;
    }

    /** How long a client has for its handshake, at accept and after STARTTLS: the {@link TlsConfig}'s. */
    public Duration handshakeTimeout() {
        return config.handshakeTimeout();
    }

    @Override
    public String toString() {
        return "ListenerTls[" + mode + ", " + config + "]";
    }
}
