package dev.berth.core.spi;

import dev.berth.core.ListenerConfig;
import dev.berth.core.tls.TlsGeneration;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/** What a module may use from the running server. */
public interface ServerContext {

    /** The data directory (default {@code ./berth-data}): generated certificates, mail stores. */
    Path dataDirectory();

    /** A pool for blocking work (disk writes, blocking handlers); never block an event loop. */
    ExecutorService blockingExecutor();

    /**
     * The real bound address of a listener (port 0 has become the ephemeral port), once it is bound;
     * e.g. for redirecting to another listener of the same server.
     */
    default Optional<InetSocketAddress> listenerAddress(String listener) {
        return Optional.empty();
    }

    /**
     * The registry every module records its meters into (the one {@code ServerBuilder.meterRegistry}
     * was given, else the server's own Prometheus registry). Tag meters with {@code listener} and
     * {@code protocol}, never with client addresses or raw paths; docs/metrics.md names them all.
     */
    MeterRegistry meterRegistry();

    /** Every listener the server will bind, so a module can refuse at start a listener it cannot serve. */
    default List<ListenerConfig> listeners() {
        return List.of();
    }

    /**
     * The keys and chains the TLS listener {@code listener} serves to new connections now, once it is bound; empty
     * for a listener without TLS or not bound (yet). Each reload (file change, SIGHUP, a new ACME certificate, new
     * TLS settings) gives a new {@link TlsGeneration}: a protocol whose TLS lives elsewhere (QUIC) asks per new
     * connection and so follows the same reloads as the TCP listener, from the same material.
     */
    default Optional<TlsGeneration> tlsMaterial(String listener) {
        return Optional.empty();
    }

    /**
     * The key authorization to answer on {@code GET /.well-known/acme-challenge/TOKEN} while an ACME
     * order of this server waits for its HTTP-01 challenge (RFC 8555 section 8.3); empty otherwise.
     * Protocol modules that serve plaintext HTTP answer it.
     */
    default Optional<String> acmeHttpChallenge(String token) {
        return Optional.empty();
    }

    /**
     * Admits a connection that a module accepted itself on one of the server's UDP listeners (a QUIC connection, once
     * its handshake is done), so that it counts like an accepted TCP connection: against the listener's connection
     * limits and in its connection meters, and in a graceful stop, which fires {@link Drain#EVENT} through it, waits
     * for it to close within the deadline and then closes it. The channel carries the {@link ConnectionContext} that
     * {@link ConnectionContext#accepted} made for it (attribute {@link ConnectionContext#KEY}, not replaced after), whose
     * remote address is counted; a context of another making is refused with {@link IllegalArgumentException}.
     *
     * @return false when a connection limit refuses it, or the server is stopping: the module then closes it in its
     *         protocol's terms
     */
    default boolean admit(Channel connection) {
        return true;
    }
}
