package dev.berth.core.launch;

import dev.berth.core.BerthException;
import dev.berth.core.Cidr;
import dev.berth.core.Limits;
import dev.berth.core.ListenerConfig;
import dev.berth.core.ProxyProtocol;
import dev.berth.core.ProxyProtocolConfig;
import dev.berth.core.Transport;
import dev.berth.core.internal.Values;
import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The per-listener flags ({@code --NAME-port}, {@code --NAME-tls}, ...) and how they change a listener. */
public final class ListenerOptions {
    private ListenerOptions() {
    }

    /** The flags of one listener, with its defaults. */
    public static List<ModuleOption> options(ListenerConfig l, boolean enabledByDefault) {
        String n = l.name();
        Limits d = l.limits();
        List<ModuleOption> o = new ArrayList<>();
        o.add(ModuleOption.of(n + "-enabled", "BOOL", String.valueOf(enabledByDefault), "Serve the " + n + " listener."));
        o.add(ModuleOption.of(n + "-host", "ADDR", null, "Address to bind (default: --host)."));
        o.add(ModuleOption.of(n + "-port", "PORT", String.valueOf(l.port()), "Port to bind; 0 picks a free one."));
        if (l.transport() == Transport.TCP) {
            o.add(ModuleOption.of(n + "-tls", "MODE", lower(l.tlsMode()), "TLS: none, implicit, starttls or optional."));
            o.add(ModuleOption.of(n + "-proxy-protocol", "MODE", lower(l.proxyProtocol().mode()),
                    "PROXY protocol v1/v2 header: off, on or auto."));
            o.add(ModuleOption.of(n + "-proxy-trusted", "CIDRS",
                    l.proxyProtocol().trusted().stream().map(Cidr::toString).collect(Collectors.joining(",")),
                    "Sources whose PROXY headers are believed, e.g. 127.0.0.1/32,10.0.0.0/8."));
            o.add(ModuleOption.of(n + "-max-connections", "N", String.valueOf(d.maxConnections()),
                    "Open connections at most; more are closed at once."));
            o.add(ModuleOption.of(n + "-max-connections-per-ip", "N", String.valueOf(d.maxConnectionsPerIp()),
                    "Open connections per client address at most."));
            o.add(ModuleOption.of(n + "-idle-timeout", "DURATION", Values.format(d.idleTimeout()),
                    "Close a connection idle this long; 0 for never."));
            o.add(ModuleOption.of(n + "-write-buffer-low", "SIZE", String.valueOf(d.writeBufferLow()),
                    "Resume reading when the unsent output falls below this."));
            o.add(ModuleOption.of(n + "-write-buffer-high", "SIZE", String.valueOf(d.writeBufferHigh()),
                    "Stop reading while the unsent output is above this."));
        } else {
            o.add(ModuleOption.of(n + "-max-datagram-size", "SIZE", String.valueOf(d.maxDatagramSize()),
                    "Largest datagram accepted; larger ones are dropped and counted."));
        }
        o.add(ModuleOption.of(n + "-reuse-port", "BOOL", String.valueOf(l.reusePort()),
                "SO_REUSEPORT, to share the port between processes (epoll and io-uring only)."));
        return o;
    }

    /** The listener as the flags describe it; whether it is served is {@link ModuleFactory#enabled}'s answer. */
    public static ListenerConfig apply(ListenerConfig l, ModuleSettings s, String defaultHost, TlsConfig tls) {
        String n = l.name();
        ListenerConfig.Builder b = l.toBuilder()
                .host(s.string(n + "-host", defaultHost))
                .port(port(s, n + "-port", l.port()))
                .reusePort(s.bool(n + "-reuse-port", l.reusePort()));
        Limits d = l.limits();
        if (l.transport() == Transport.TCP) {
            b.tlsMode(s.choice(n + "-tls", TlsMode.class, l.tlsMode())).tls(tls);
            ProxyProtocol mode = s.choice(n + "-proxy-protocol", ProxyProtocol.class, l.proxyProtocol().mode());
            List<Cidr> trusted = new ArrayList<>();
            for (String c : s.list(n + "-proxy-trusted")) {
                try {
                    trusted.add(Cidr.parse(c));
                } catch (BerthException e) {
                    throw new BerthException("invalid value for --" + n + "-proxy-trusted: " + e.getMessage());
                }
            }
            if (mode != ProxyProtocol.OFF && trusted.isEmpty()) {
                throw new BerthException("--" + n + "-proxy-protocol " + lower(mode) + " needs --" + n
                        + "-proxy-trusted with at least one address block");
            }
            b.proxyProtocol(mode == ProxyProtocol.OFF ? ProxyProtocolConfig.OFF : ProxyProtocolConfig.of(mode, trusted));
            int high = (int) size(s, n + "-write-buffer-high", d.writeBufferHigh());
            int low = (int) size(s, n + "-write-buffer-low", d.writeBufferLow());
            int max = positive(s, n + "-max-connections", d.maxConnections());
            int perIp = positive(s, n + "-max-connections-per-ip", d.maxConnectionsPerIp());
            java.time.Duration idle = s.duration(n + "-idle-timeout", d.idleTimeout());
            if (low > high) {
                throw new BerthException("--" + n + "-write-buffer-low (" + low + ") is above --" + n
                        + "-write-buffer-high (" + high + ")");
            }
            d = d.withMaxConnections(max).withMaxConnectionsPerIp(perIp).withIdleTimeout(idle).withWriteBuffer(low, high);
        } else {
            long max = s.size(n + "-max-datagram-size", d.maxDatagramSize());
            if (max < 1 || max > 65_535) {
                throw ModuleSettings.bad(n + "-max-datagram-size", String.valueOf(max), "a size within 1..65535");
            }
            d = d.withMaxDatagramSize((int) max);
        }
        return b.limits(d).build();
    }

    private static int port(ModuleSettings s, String flag, int fallback) {
        int p = s.integer(flag, fallback);
        if (p < 0 || p > 65_535) {
            throw ModuleSettings.bad(flag, String.valueOf(p), "a port within 0..65535");
        }
        return p;
    }

    private static int positive(ModuleSettings s, String flag, int fallback) {
        int v = s.integer(flag, fallback);
        if (v < 1) {
            throw ModuleSettings.bad(flag, String.valueOf(v), "a positive number");
        }
        return v;
    }

    private static long size(ModuleSettings s, String flag, long fallback) {
        long v = s.size(flag, fallback);
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw ModuleSettings.bad(flag, s.get(flag).orElse(""), "a size within 1..2g");
        }
        return v;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
