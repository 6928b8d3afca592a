package dev.berth.http;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Transport;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ModuleOption;
import dev.berth.core.spi.ModuleSettings;
import dev.berth.core.spi.ProtocolModule;
import dev.berth.core.spi.ServerContext;
import dev.berth.core.tls.TlsMode;
import dev.berth.http.internal.HttpService;
import dev.berth.http.internal.ProtocolSelection;
import dev.berth.http.internal.Router;
import dev.berth.http.internal.StaticFileHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ApplicationProtocolNames;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code http} protocol: HTTP/1.1 and HTTP/2 (ALPN h2 over TLS, h2c with prior knowledge on
 * plaintext), routes with path parameters, static files as the fallback, and the HTTPS policy (a
 * plaintext listener redirects to the {@code https} listener; HSTS on TLS responses).
 *
 * <p>Run as a jar it serves {@code --root DIR} (or a welcome page) on {@code https} (8443) and
 * redirects from {@code http} (8080). Embedded, {@link #builder()} adds routes:
 * <pre>{@code
 * Server.builder()
 *     .listener(ListenerConfig.tcp("web").protocol("http").port(8080).build())
 *     .module(HttpModule.builder().get("/hello", req -> HttpResponse.text("hi")).build())
 *     .build().start();
 * }</pre>
 */
public final class HttpModule implements ProtocolModule {
    /** The module's name, which listeners use as their protocol. */
    public static final String NAME = "http";
    /** The HTTPS listener the launcher creates, and where plaintext requests are redirected to. */
    public static final String HTTPS_LISTENER = "https";
    /** The plaintext listener the launcher creates. */
    public static final String HTTP_LISTENER = "http";
    /** The HSTS value used unless configured otherwise: one year. */
    public static final String DEFAULT_HSTS = "max-age=31536000";

    private final Builder builder;
    private HttpService service;

    /** The module the launcher finds: static files from {@code --root}, no routes. */
    public HttpModule() {
        this(new Builder());
    }

    private HttpModule(Builder builder) {
        this.builder = builder;
    }

    /** Starts an application: routes, then {@link Builder#build()}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.TCP);
    }

    @Override
    public List<String> applicationProtocols() {
        return List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);
    }

    @Override
    public List<ListenerConfig> defaultListeners() {
        return List.of(
                ListenerConfig.tcp(HTTPS_LISTENER).protocol(NAME).port(8443).tlsMode(TlsMode.IMPLICIT).build(),
                ListenerConfig.tcp(HTTP_LISTENER).protocol(NAME).port(8080).build());
    }

    @Override
    public List<ModuleOption> options() {
        HttpLimits d = HttpLimits.DEFAULTS;
        return List.of(
                ModuleOption.of("root", "DIR", null, "Serve static files from DIR (default: a built-in welcome page)."),
                ModuleOption.of("listing", "BOOL", "false", "List directories that have no index.html."),
                ModuleOption.of("follow-symlinks", "BOOL", "false", "Follow symbolic links that lead outside --root."),
                ModuleOption.of("gzip", "BOOL", "true", "Gzip text-like files for clients that accept it."),
                ModuleOption.of("file-cache-size", "SIZE", "64m",
                        "Memory for the static-file cache (paths, metadata, small files); 0 turns it off."),
                ModuleOption.of("file-cache-validity", "DURATION", "1s",
                        "How long a cached file is served before it is checked on disk again; 0 checks every request."),
                ModuleOption.of("http-redirect", "BOOL", "true",
                        "Answer every plaintext request with a redirect to the https listener; false serves plaintext."),
                ModuleOption.of("redirect-host", "HOST", null, "Host name in redirects (default: the request's Host)."),
                ModuleOption.of("hsts", "VALUE", DEFAULT_HSTS, "Strict-Transport-Security on HTTPS responses; 'off' for none."),
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
    public void configure(ModuleSettings s) {
        refuseStartTls(s, HTTP_LISTENER);
        refuseStartTls(s, HTTPS_LISTENER);
        HttpLimits d = HttpLimits.DEFAULTS;
        builder.limits = d.withMaxRequestLine((int) s.size("max-request-line", d.maxRequestLine()))
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
        builder.staticFiles(files);
        builder.redirectToHttps(s.bool("http-redirect", true));
        builder.redirectHost(s.get("redirect-host").orElse(null));
        String hsts = s.string("hsts", DEFAULT_HSTS);
        builder.hsts(hsts.equalsIgnoreCase("off") ? null : hsts);
    }

    /** HTTP has no command to begin TLS on a plaintext connection, so a STARTTLS listener could never be secured. */
    private static void refuseStartTls(ModuleSettings s, String listener) {
        String flag = listener + "-tls";
        if (s.choice(flag, TlsMode.class, TlsMode.NONE) == TlsMode.STARTTLS) {
            throw ModuleSettings.bad(flag, s.string(flag, ""), "available here: HTTP has no STARTTLS; use none, implicit or optional");
        }
    }

    @Override
    public void start(ServerContext server) {
        service = builder.service();
        service.start(server);
    }

    @Override
    public void initPipeline(ChannelPipeline pipeline, ConnectionContext connection) {
        if (service == null) {
            throw new IllegalStateException("the http module was not started");
        }
        if (connection.listener().tlsMode() == TlsMode.IMPLICIT) {
            pipeline.addLast(ProtocolSelection.NAME, ProtocolSelection.byAlpn(service, connection));
        } else {
            // plaintext (and OPTIONAL, whose TLS sniffing comes first): h2c with prior knowledge or HTTP/1.1
            pipeline.addLast(ProtocolSelection.NAME, ProtocolSelection.byPreface(service, connection));
        }
    }

    /** Collects routes and settings for an {@link HttpModule}. */
    public static final class Builder {
        private final Router router = new Router();
        private HttpService pending;
        private AsyncHttpHandler fallback;
        private StaticFiles staticFiles = StaticFiles.WELCOME;
        private boolean staticFallback = true;
        private HttpLimits limits = HttpLimits.DEFAULTS;
        private String hsts = DEFAULT_HSTS;
        private boolean redirectToHttps = true;
        private String redirectHost;
        private String httpsListener = HTTPS_LISTENER;

        Builder() {
        }

        public Builder get(String path, HttpHandler handler) {
            return route("GET", path, handler);
        }

        public Builder post(String path, HttpHandler handler) {
            return route("POST", path, handler);
        }

        public Builder put(String path, HttpHandler handler) {
            return route("PUT", path, handler);
        }

        public Builder delete(String path, HttpHandler handler) {
            return route("DELETE", path, handler);
        }

        /** A route whose handler runs on the event loop: it must not block. */
        public Builder route(String method, String path, HttpHandler handler) {
            Objects.requireNonNull(handler, "handler");
            router.add(method(method), path, HttpService.onEventLoop(handler));
            staticFallbackOff();
            return this;
        }

        /** A route whose handler answers with a future; it is called on the event loop and must return at once. */
        public Builder async(String method, String path, AsyncHttpHandler handler) {
            router.add(method(method), path, Objects.requireNonNull(handler, "handler"));
            staticFallbackOff();
            return this;
        }

        /** A route whose handler may block (disk, JDBC, a remote call): it runs on the server's worker pool. */
        public Builder blocking(String method, String path, HttpHandler handler) {
            Objects.requireNonNull(handler, "handler");
            router.add(method(method), path, request -> pending.onWorkerPool(handler).handle(request));
            staticFallbackOff();
            return this;
        }

        /**
         * A route whose handler reads the body as it arrives, from {@link HttpRequest#bodyStream()}: it is
         * called as soon as the request head is read, on the worker pool (reading the stream blocks).
         */
        public Builder streaming(String method, String path, HttpHandler handler) {
            Objects.requireNonNull(handler, "handler");
            router.add(method(method), path, request -> pending.onWorkerPool(handler).handle(request), true);
            staticFallbackOff();
            return this;
        }

        /** What answers requests no route matches (default: 404, or static files once configured). */
        public Builder fallback(HttpHandler handler) {
            this.fallback = HttpService.onEventLoop(Objects.requireNonNull(handler, "handler"));
            this.staticFallback = false;
            return this;
        }

        /** Serves static files for requests no route matches. */
        public Builder staticFiles(StaticFiles files) {
            this.staticFiles = Objects.requireNonNull(files, "files");
            this.staticFallback = true;
            this.fallback = null;
            return this;
        }

        public Builder limits(HttpLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The Strict-Transport-Security value for HTTPS responses; null sends none. */
        public Builder hsts(String value) {
            this.hsts = value;
            return this;
        }

        /**
         * Whether plaintext listeners redirect to the HTTPS listener (301 for GET and HEAD, 308 otherwise).
         * On by default; it applies only while a listener named {@link #httpsListener(String)} is bound.
         */
        public Builder redirectToHttps(boolean on) {
            this.redirectToHttps = on;
            return this;
        }

        /** The host name redirects point to; by default the request's own Host. */
        public Builder redirectHost(String host) {
            this.redirectHost = host;
            return this;
        }

        /** The listener redirects point to (default {@code https}); its real port is used. */
        public Builder httpsListener(String name) {
            this.httpsListener = Objects.requireNonNull(name, "name");
            return this;
        }

        public HttpModule build() {
            return new HttpModule(this);
        }

        private void staticFallbackOff() {
            if (fallback == null && staticFiles == StaticFiles.WELCOME) {
                staticFallback = false;
            }
        }

        HttpService service() {
            AsyncHttpHandler last = fallback;
            HttpService[] self = new HttpService[1];
            if (last == null && staticFallback) {
                // answered on the event loop from the file cache; misses go to the blocking pool
                StaticFileHandler files = new StaticFileHandler(staticFiles, task -> self[0].blockingExecutor().execute(task));
                last = files::serve;
            } else if (last == null) {
                last = HttpService.onEventLoop(request -> HttpResponse.error(404, "Not Found"));
            }
            HttpService s = new HttpService(router, last, limits, hsts, redirectToHttps, redirectHost, httpsListener);
            self[0] = s;
            pending = s;
            return s;
        }

        private static String method(String m) {
            String u = m.trim().toUpperCase(java.util.Locale.ROOT);
            if (u.isEmpty() || !u.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c == '-' || c == '_')) {
                throw new IllegalArgumentException("not an HTTP method: " + m);
            }
            return u;
        }
    }
}
