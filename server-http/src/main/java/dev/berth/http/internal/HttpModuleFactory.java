package dev.berth.http.internal;

import dev.berth.core.Limits;
import dev.berth.core.ListenerConfig;
import dev.berth.core.launch.ListenerOptions;
import dev.berth.core.launch.ModuleFactory;
import dev.berth.core.launch.ModuleOption;
import dev.berth.core.launch.ModuleSettings;
import dev.berth.core.spi.ProtocolModule;
import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsMode;
import dev.berth.http.HttpLimits;
import dev.berth.http.HttpModule;
import dev.berth.http.StaticFiles;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP module on the command line: {@code https} on 8443 and the {@code http} redirect on 8080,
 * static files from {@code --root}, and the request limits as flags; {@code --http3 true} adds the HTTP/3
 * listener {@code h3} on UDP, on the {@code https} listener's port unless {@code --h3-port} says otherwise.
 */
public final class HttpModuleFactory implements ModuleFactory {
    /** The HTTP/3 listener, on UDP beside {@code https}. */
    static final String H3_LISTENER = "h3";

    @Override
    public String name() {
        return HttpModule.NAME;
    }

    @Override
    public List<ListenerConfig> defaultListeners() {
        return List.of(
                ListenerConfig.tcp(HttpModule.HTTPS_LISTENER).protocol(HttpModule.NAME).port(8443)
                        .tlsMode(TlsMode.IMPLICIT).build(),
                ListenerConfig.tcp(HttpModule.HTTP_LISTENER).protocol(HttpModule.NAME).port(8080).build(),
                ListenerConfig.udp(H3_LISTENER).protocol(HttpModule.NAME).port(8443).build());
    }

    @Override
    public boolean enabledByDefault(String listenerName) {
        return !listenerName.equals(H3_LISTENER);
    }

    /**
     * {@code h3} is served when {@code --http3 true} asks for it, unless its own {@code --h3-enabled} says otherwise:
     * {@code --h3-enabled false} wins over {@code --http3 true}, and {@code --h3-enabled true} alone turns it on.
     */
    @Override
    public boolean enabled(String listenerName, ModuleSettings settings) {
        if (listenerName.equals(H3_LISTENER)) {
            String own = H3_LISTENER + "-enabled";
            return settings.get(own).isPresent() ? settings.bool(own, false) : settings.bool("http3", false);
        }
        return ModuleFactory.super.enabled(listenerName, settings);
    }

    /**
     * {@code h3}'s flags: core's, with no default for {@code --h3-enabled} (so that {@code --http3} decides unless it
     * is given) nor for {@code --h3-port} (which follows {@code --https-port}), and the connection limits a QUIC
     * listener has like a TCP one.
     */
    @Override
    public List<ModuleOption> listenerOptions(ListenerConfig listener) {
        List<ModuleOption> core = ModuleFactory.super.listenerOptions(listener);
        if (!listener.name().equals(H3_LISTENER)) {
            return core;
        }
        String n = listener.name();
        Limits d = listener.limits();
        List<ModuleOption> o = new ArrayList<>();
        for (ModuleOption c : core) {
            if (c.name().equals(n + "-enabled")) {
                o.add(ModuleOption.of(c.name(), c.label(), null,
                        "Serve the h3 listener (default: what --http3 says; false wins over --http3 true)."));
            } else if (c.name().equals(n + "-port")) {
                o.add(ModuleOption.of(c.name(), c.label(), null,
                        "UDP port to bind (default: --https-port's value); 0 picks a free one."));
            } else if (c.name().equals(n + "-max-datagram-size")) {
                o.add(ModuleOption.of(c.name(), c.label(), c.defaultValue(), "Largest UDP payload accepted: advertised"
                        + " to clients as QUIC's max_udp_payload_size, larger datagrams are dropped; at least 1200."));
            } else {
                o.add(c);
            }
        }
        o.add(ModuleOption.of(n + "-max-connections", "N", String.valueOf(d.maxConnections()),
                "Open QUIC connections at most; more are refused (CONNECTION_CLOSE CONNECTION_REFUSED)."));
        o.add(ModuleOption.of(n + "-max-connections-per-ip", "N", String.valueOf(d.maxConnectionsPerIp()),
                "Open QUIC connections per client address at most; more are refused."));
        return o;
    }

    /** {@code h3} as the flags describe it: its port follows {@code --https-port} unless {@code --h3-port} is given. */
    @Override
    public ListenerConfig listener(ListenerConfig listener, ModuleSettings s, String defaultHost, TlsConfig tls) {
        if (!listener.name().equals(H3_LISTENER)) {
            return ModuleFactory.super.listener(listener, s, defaultHost, tls);
        }
        String n = listener.name();
        int httpsPort = s.integer(HttpModule.HTTPS_LISTENER + "-port", listener.port());
        ListenerConfig l = ListenerOptions.apply(listener.toBuilder().port(httpsPort).build(), s, defaultHost, tls);
        Limits d = l.limits();
        int max = positive(s, n + "-max-connections", d.maxConnections());
        int perIp = positive(s, n + "-max-connections-per-ip", d.maxConnectionsPerIp());
        return l.toBuilder().limits(d.withMaxConnections(max).withMaxConnectionsPerIp(perIp)).build();
    }

    private static int positive(ModuleSettings s, String flag, int fallback) {
        int v = s.integer(flag, fallback);
        if (v < 1) {
            throw ModuleSettings.bad(flag, String.valueOf(v), "a positive number");
        }
        return v;
    }

    @Override
    public List<ModuleOption> options() {
        HttpLimits d = HttpLimits.DEFAULTS;
        return List.of(
                ModuleOption.of("http3", "BOOL", "false",
                        "Serve HTTP/3 on the h3 listener, on UDP at --https-port's number unless --h3-port"
                        + " says otherwise, with the https listener's certificate."),
                ModuleOption.of("root", "DIR", null, "Serve static files from DIR (default: a built-in welcome page)."),
                ModuleOption.of("listing", "BOOL", "false", "List directories that have no index.html."),
                ModuleOption.of("follow-symlinks", "BOOL", "false", "Follow symbolic links that lead outside --root."),
                ModuleOption.of("gzip", "BOOL", "true", "Gzip text-like files for clients that accept it."),
                ModuleOption.of("mime-types", "FILE", null,
                        "Content types by extension from FILE in mime.types format (default: /etc/mime.types when"
                        + " present); the built-in table answers for extensions it lacks."),
                ModuleOption.of("file-cache-size", "SIZE", "64m",
                        "Memory for the static-file cache (paths, metadata, small files); 0 turns it off."),
                ModuleOption.of("file-cache-validity", "DURATION", "1s",
                        "How long a cached file is served before it is checked on disk again; 0 checks every request."),
                ModuleOption.of("http-redirect", "BOOL", "true",
                        "Answer every plaintext request with a redirect to the https listener; false serves plaintext."),
                ModuleOption.of("redirect-host", "HOST", null, "Host name in redirects (default: the request's Host)."),
                ModuleOption.of("hsts", "VALUE", HttpModule.DEFAULT_HSTS,
                        "Strict-Transport-Security on HTTPS responses; 'off' for none."),
                ModuleOption.of("max-request-line", "SIZE", String.valueOf(d.maxRequestLine()),
                        "Longest request line; longer gets 414."),
                ModuleOption.of("max-header-size", "SIZE", String.valueOf(d.maxHeaderSize()),
                        "Largest request header section; larger gets 431."),
                ModuleOption.of("max-body-size", "SIZE", String.valueOf(d.maxBodySize()),
                        "Largest request body; larger gets 413."),
                ModuleOption.of("header-timeout", "DURATION", d.headerTimeout().toSeconds() + "s",
                        "Time to send a request's header section; slower gets 408."),
                ModuleOption.of("body-timeout", "DURATION", d.bodyTimeout().toSeconds() + "s",
                        "Longest pause between bytes of an HTTP/1.1 request body; slower gets 408."),
                ModuleOption.of("keep-alive-timeout", "DURATION", d.keepAliveTimeout().toSeconds() + "s",
                        "Idle time between HTTP/1.1 requests before the connection is closed; 0 never."),
                ModuleOption.of("max-concurrent-streams", "N", String.valueOf(d.maxConcurrentStreams()),
                        "HTTP/2 streams one connection may have open at once."));
    }

    @Override
    public ProtocolModule create(ModuleSettings s) {
        HttpLimits d = HttpLimits.DEFAULTS;
        HttpLimits limits = d.withMaxRequestLine((int) s.size("max-request-line", d.maxRequestLine()))
                .withMaxHeaderSize((int) s.size("max-header-size", d.maxHeaderSize()))
                .withMaxBodySize(s.size("max-body-size", d.maxBodySize()))
                .withHeaderTimeout(s.duration("header-timeout", d.headerTimeout()))
                .withBodyTimeout(s.duration("body-timeout", d.bodyTimeout()))
                .withKeepAliveTimeout(s.duration("keep-alive-timeout", d.keepAliveTimeout()))
                .withMaxConcurrentStreams(s.integer("max-concurrent-streams", d.maxConcurrentStreams()));
        StaticFiles files = s.path("root").map(StaticFiles::from).orElse(StaticFiles.WELCOME)
                .withListing(s.bool("listing", false))
                .withFollowSymlinks(s.bool("follow-symlinks", false))
                .withGzip(s.bool("gzip", true))
                .withCacheSize(s.size("file-cache-size", StaticFiles.DEFAULT_CACHE_SIZE))
                .withCacheValidity(s.duration("file-cache-validity", StaticFiles.DEFAULT_CACHE_VALIDITY));
        String hsts = s.string("hsts", HttpModule.DEFAULT_HSTS);
        HttpModule.Builder b = HttpModule.builder();
        s.path("mime-types").ifPresent(b::mimeTypes);
        return b
                .limits(limits)
                .staticFiles(files)
                .redirectToHttps(s.bool("http-redirect", true))
                .redirectHost(s.get("redirect-host").orElse(null))
                .hsts(hsts.equalsIgnoreCase("off") ? null : hsts)
                .build();
    }
}
