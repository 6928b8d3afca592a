package dev.berth.http;

import dev.berth.core.Transport;
import dev.berth.core.spi.ProtocolModule;
import dev.berth.core.spi.ProtocolService;
import dev.berth.core.spi.ServerContext;
import dev.berth.core.tls.TlsMode;
import dev.berth.http.internal.Http3Listener;
import dev.berth.http.internal.HttpService;
import dev.berth.http.internal.MediaTypes;
import dev.berth.http.internal.ProtocolSelection;
import dev.berth.http.internal.Router;
import dev.berth.http.internal.StaticFileHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code http} protocol: HTTP/1.1 and HTTP/2 (ALPN h2 over TLS, h2c with prior knowledge on
 * plaintext), routes with path parameters, static files as the fallback, and the HTTPS policy (a
 * plaintext listener redirects to the {@code https} listener; HSTS on TLS responses). A UDP listener of this
 * protocol serves HTTP/3 with the {@code https} listener's certificate, and TLS responses
 * on TCP then advertise it with {@code Alt-Svc}.
 *
 * <p>An immutable value: {@link #builder()} collects routes and settings, and one module can serve
 * several servers, each with its own routing state and worker-pool hand-off. Run as a jar it serves
 * {@code --root DIR} (or a welcome page) on {@code https} (8443) and redirects from {@code http} (8080).
 * Embedded:
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

    private final List<RouteSpec> routes;
    private final HttpHandler fallback;
    private final StaticFiles staticFiles;
    private final boolean staticFallback;
    private final HttpLimits limits;
    private final String hsts;
    private final boolean redirectToHttps;
    private final String redirectHost;
    private final String httpsListener;
    /** Content types for static files; null for the system's default table, looked up when a server starts. */
    private final MediaTypes mediaTypes;

    /** The module with its defaults: the built-in welcome page, no routes. */
    public HttpModule() {
        this(new Builder());
    }

    private HttpModule(Builder b) {
        this.routes = List.copyOf(b.routes);
        this.fallback = b.fallback;
        this.staticFiles = b.staticFiles;
        this.staticFallback = b.staticFallback;
        this.limits = b.limits;
        this.hsts = b.hsts;
        this.redirectToHttps = b.redirectToHttps;
        this.redirectHost = b.redirectHost;
        this.httpsListener = b.httpsListener;
        this.mediaTypes = b.mediaTypes;
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
        return Set.of(Transport.TCP, Transport.UDP);
    }

    /** HTTP has no command to begin TLS on a plaintext connection, so a STARTTLS listener could never be secured. */
    @Override
    public Set<TlsMode> tlsModes() {
        return EnumSet.of(TlsMode.NONE, TlsMode.IMPLICIT, TlsMode.OPTIONAL);
    }

    @Override
    public List<String> applicationProtocols() {
        return List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);
    }

    /** The request limits in use. */
    public HttpLimits limits() {
        return limits;
    }

    /** How static files are served when no route matches (unless a fallback handler is set). */
    public StaticFiles staticFiles() {
        return staticFiles;
    }

    @Override
    public ProtocolService start(ServerContext server) {
        HttpService service = service();
        service.start(server);
        Http3Listener h3 = server.listeners().stream()
                .filter(l -> l.protocol().equals(NAME) && l.transport() == Transport.UDP).findFirst()
                .map(l -> Http3Listener.start(service, server, l, httpsListener)).orElse(null);
        return (pipeline, connection) -> {
            if (connection.listener().transport() == Transport.UDP) {
                h3.initPipeline(pipeline, connection);
            } else if (connection.listener().tlsMode() == TlsMode.IMPLICIT) {
                pipeline.addLast(ProtocolSelection.NAME, ProtocolSelection.byAlpn(service, connection));
            } else {
                // plaintext (and OPTIONAL, whose TLS sniffing comes first): h2c with prior knowledge or HTTP/1.1
                pipeline.addLast(ProtocolSelection.NAME, ProtocolSelection.byPreface(service, connection));
            }
        };
    }

    /** A new service for one server: its router, its fallback, and its hand-off to that server's worker pool. */
    private HttpService service() {
        HttpService[] self = new HttpService[1];
        Router router = new Router();
        for (RouteSpec r : routes) {
            switch (r.kind) {
                case EVENT_LOOP:
                    router.add(r.method, r.path, HttpService.onEventLoop(r.handler));
                    break;
                case ASYNC:
                    router.add(r.method, r.path, r.async);
                    break;
                default:
                    AsyncHttpHandler[] pooled = new AsyncHttpHandler[1];
                    router.add(r.method, r.path, request -> {
                        if (pooled[0] == null) {
                            pooled[0] = self[0].onWorkerPool(r.handler);
                        }
                        return pooled[0].handle(request);
                    }, r.kind == RouteKind.STREAMING);
                    break;
            }
        }
        AsyncHttpHandler last;
        if (fallback != null) {
            last = HttpService.onEventLoop(fallback);
        } else if (staticFallback) {
            // answered on the event loop from the file cache; misses go to the blocking pool
            StaticFileHandler files = new StaticFileHandler(staticFiles, task -> self[0].blockingExecutor().execute(task),
                    mediaTypes != null ? mediaTypes : MediaTypes.systemDefault());
            last = files::serve;
        } else {
            last = HttpService.onEventLoop(request -> HttpResponse.error(404, "Not Found"));
        }
        HttpService s = new HttpService(router, last, fallback == null && staticFallback, limits, hsts, redirectToHttps,
                redirectHost, httpsListener);
        self[0] = s;
        return s;
    }

    private enum RouteKind { EVENT_LOOP, ASYNC, BLOCKING, STREAMING }

    /** One route as the builder was told it; the router is made from these per server. */
    private static final class RouteSpec {
        final String method;
        final String path;
        final RouteKind kind;
        final HttpHandler handler;
        final AsyncHttpHandler async;

        RouteSpec(String method, String path, RouteKind kind, HttpHandler handler, AsyncHttpHandler async) {
            this.method = method;
            this.path = path;
            this.kind = kind;
            this.handler = handler;
            this.async = async;
        }
    }

    /** Collects routes and settings for an {@link HttpModule}; {@link #build()} takes a snapshot. */
    public static final class Builder {
        private final List<RouteSpec> routes = new ArrayList<>();
        private HttpHandler fallback;
        private StaticFiles staticFiles = StaticFiles.WELCOME;
        private boolean staticFallback = true;
        private HttpLimits limits = HttpLimits.DEFAULTS;
        private String hsts = DEFAULT_HSTS;
        private boolean redirectToHttps = true;
        private String redirectHost;
        private String httpsListener = HTTPS_LISTENER;
        private MediaTypes mediaTypes;

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
            return add(method, path, RouteKind.EVENT_LOOP, Objects.requireNonNull(handler, "handler"), null);
        }

        /** A route whose handler answers with a future; it is called on the event loop and must return at once. */
        public Builder async(String method, String path, AsyncHttpHandler handler) {
            return add(method, path, RouteKind.ASYNC, null, Objects.requireNonNull(handler, "handler"));
        }

        /** A route whose handler may block (disk, JDBC, a remote call): it runs on the server's worker pool. */
        public Builder blocking(String method, String path, HttpHandler handler) {
            return add(method, path, RouteKind.BLOCKING, Objects.requireNonNull(handler, "handler"), null);
        }

        /**
         * A route whose handler reads the body as it arrives, from {@link HttpRequest#bodyStream()}: it is
         * called as soon as the request head is read, on the worker pool (reading the stream blocks).
         */
        public Builder streaming(String method, String path, HttpHandler handler) {
            return add(method, path, RouteKind.STREAMING, Objects.requireNonNull(handler, "handler"), null);
        }

        /** What answers requests no route matches (default: 404, or static files once configured). */
        public Builder fallback(HttpHandler handler) {
            this.fallback = Objects.requireNonNull(handler, "handler");
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

        /**
         * Static files take their content types from this {@code mime.types} file (lines of
         * {@code type/subtype ext1 ext2}, {@code #} comments), and from the built-in table for extensions it
         * lacks. Read now: a file that cannot be read or parsed fails here, naming the file and line. By
         * default the system's {@code /etc/mime.types} is used when present.
         */
        public Builder mimeTypes(Path file) {
            this.mediaTypes = MediaTypes.load(Objects.requireNonNull(file, "file"));
            return this;
        }

        /** The module as described so far; the builder can go on and build others. */
        public HttpModule build() {
            return new HttpModule(this);
        }

        private Builder add(String method, String path, RouteKind kind, HttpHandler handler, AsyncHttpHandler async) {
            String m = method(method);
            new Router().add(m, path, request -> null); // checks the pattern now, where the route is written
            routes.add(new RouteSpec(m, path, kind, handler, async));
            if (fallback == null && staticFiles == StaticFiles.WELCOME) {
                staticFallback = false;
            }
            return this;
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
