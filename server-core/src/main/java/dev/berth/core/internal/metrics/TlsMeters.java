package dev.berth.core.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The TLS handshake meters of one listener. The handshake counter has a tag combination per result,
 * protocol version, cipher suite and SNI bucket; each combination's counter is made on its first
 * handshake and cached. The map stays small: versions are folded to a known set, the cipher is one
 * the listener enables, and the SNI bucket is one of its configured names or {@code default}.
 */
public final class TlsMeters {
    /** What a handshake that failed before a protocol or cipher was agreed is tagged with. */
    public static final String NONE = "none";
    private static final Set<String> VERSIONS = Set.of("1.0", "1.1", "1.2", "1.3");
    /** A bound far above any real combination, so that a bug elsewhere cannot grow the map without end. */
    private static final int MAX_COMBINATIONS = 1024;

    private final MeterRegistry registry;
    private final String listener;
    private final Timer succeeded;
    private final Timer failed;
    private final Map<Key, Counter> handshakes = new ConcurrentHashMap<>();

    public TlsMeters(MeterRegistry registry, String listener) {
        this.registry = registry;
        this.listener = listener;
        this.succeeded = timer(registry, listener, "success");
        this.failed = timer(registry, listener, "failure");
    }

    private static Timer timer(MeterRegistry registry, String listener, String result) {
        return Timer.builder("berth.tls.handshake.duration").tag("listener", listener).tag("result", result)
                .description("TLS handshake time, from the first byte of the ClientHello to the handshake's end")
                .publishPercentileHistogram().register(registry);
    }

    /**
     * Records one handshake.
     *
     * @param protocol the session's protocol ({@code TLSv1.3}), or null when the handshake failed before one
     * @param cipher the session's cipher suite, or null
     * @param sni the SNI bucket: a configured SNI name or {@code default}
     */
    public void handshake(boolean success, String protocol, String cipher, String sni, long nanos) {
        (success ? succeeded : failed).record(nanos, TimeUnit.NANOSECONDS);
        Key key = new Key(success, version(protocol), cipher == null || cipher.isEmpty() ? NONE : cipher, sni);
        Counter c = handshakes.get(key);
        if (c == null) {
            if (handshakes.size() >= MAX_COMBINATIONS) {
                key = new Key(success, "_OTHER", "_OTHER", "_OTHER");
            }
            c = handshakes.computeIfAbsent(key, this::counter);
        }
        c.increment();
    }

    private Counter counter(Key k) {
        return Counter.builder("berth.tls.handshakes").tag("listener", listener)
                .tag("result", k.success ? "success" : "failure").tag("tls.protocol.version", k.version)
                .tag("tls.cipher", k.cipher).tag("sni", k.sni)
                .description("TLS handshakes").register(registry);
    }

    /** {@code TLSv1.3} becomes {@code 1.3}, OpenTelemetry's {@code tls.protocol.version}. */
    static String version(String protocol) {
        if (protocol == null || protocol.isEmpty() || protocol.equals("NONE")) {
            return NONE;
        }
        String v = protocol.startsWith("TLSv") ? protocol.substring(4) : protocol;
        if (v.equals("1")) {
            v = "1.0";
        }
        return VERSIONS.contains(v) ? v : "_OTHER";
    }

    private record Key(boolean success, String version, String cipher, String sni) {
    }
}
