package dev.berth.http.internal;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Transport;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ServerContext;
import dev.berth.core.tls.TlsMode;
import dev.berth.http.AsyncHttpHandler;
import dev.berth.http.HttpHandler;
import dev.berth.http.HttpLimits;
import dev.berth.http.HttpModule;
import dev.berth.http.HttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * What every connection of one HTTP module shares: routes, the fallback, limits and the HTTPS policy
 * (redirect on plaintext listeners, {@code Strict-Transport-Security} on TLS ones, {@code Alt-Svc} naming the
 * HTTP/3 listener on TCP TLS ones). Turns a request
 * into a future response.
 */
public final class HttpService {
    private static final String HSTS = "Strict-Transport-Security";
    private static final String ALT_SVC = "Alt-Svc";
    private final Router router;
    private final AsyncHttpHandler fallback;
    private final HttpLimits limits;
    private final String hsts;
    /** Where RFC 8555's HTTP-01 challenge is fetched. */
    private static final String ACME_CHALLENGE = "/.well-known/acme-challenge/";
    private final boolean redirect;
    private final String redirectHost;
    private final String httpsListener;
    /** The {@code http.route} of what the fallback answers: {@code static} for static files, else {@code _OTHER}. */
    private final int fallbackRoute;
    private volatile ServerContext server;
    private volatile HttpMeters meters;
    /** The HTTP/3 listener's name, when the server has one. */
    private volatile String h3Listener;
    /** The {@code Alt-Svc} value advertising it, once its port is known. */
    private volatile String altSvc;

    public HttpService(Router router, AsyncHttpHandler fallback, HttpLimits limits, String hsts, boolean redirect,
                       String redirectHost, String httpsListener) {
        this(router, fallback, false, limits, hsts, redirect, redirectHost, httpsListener);
    }

    /** {@code staticFallback}: the fallback serves static files, so its answers are measured as route {@code static}. */
    public HttpService(Router router, AsyncHttpHandler fallback, boolean staticFallback, HttpLimits limits, String hsts,
                       boolean redirect, String redirectHost, String httpsListener) {
        this.fallbackRoute = staticFallback ? HttpMeters.STATIC : HttpMeters.OTHER;
        this.meters = HttpMeters.none(HttpMeters.routeLabels(router.templates()));
        this.router = router;
        this.fallback = fallback;
        this.limits = limits;
        this.hsts = hsts;
        this.redirect = redirect;
        this.redirectHost = redirectHost;
        this.httpsListener = httpsListener;
    }

    public void start(ServerContext server) {
        HttpMeters m = new HttpMeters(server.meterRegistry(), HttpMeters.routeLabels(router.templates()));
        for (ListenerConfig l : server.listeners()) {
            if (l.protocol().equals(HttpModule.NAME)) {
                m.listener(l.name()); // its gauges and counters read 0 from the start, not from the first connection
                if (l.transport() == Transport.UDP && h3Listener == null) {
                    h3Listener = l.name();
                }
            }
        }
        this.meters = m;
        this.server = server;
    }

    /** The meters requests are recorded in: the server's registry once started. */
    public HttpMeters meters() {
        return meters;
    }

    public HttpLimits limits() {
        return limits;
    }

    /** A handler that runs on the event loop; a thrown exception becomes a failed future. */
    public static AsyncHttpHandler onEventLoop(HttpHandler h) {
        return request -> {
            try {
                return CompletableFuture.completedFuture(h.handle(request));
            } catch (Exception | Error e) {
                return CompletableFuture.failedFuture(e);
            }
        };
    }

    /** A handler that runs on the server's pool for blocking work, never on an event loop. */
    public AsyncHttpHandler onWorkerPool(HttpHandler h) {
        return request -> {
            CompletableFuture<HttpResponse> f = new CompletableFuture<>();
            blockingExecutor().execute(() -> {
                try {
                    f.complete(h.handle(request));
                } catch (Exception | Error e) {
                    f.completeExceptionally(e);
                }
            });
            return f;
        };
    }

    /** The server's pool for blocking work (the common pool before start, in unit tests). */
    public Executor blockingExecutor() {
        ServerContext s = server;
        return s == null ? ForkJoinPool.commonPool() : s.blockingExecutor();
    }

    /**
     * How one request is to be answered, decided once when its head arrives: the server's own answer
     * (the HTTPS redirect, 405, 501) or a handler, and whether that handler reads the body as a stream.
     */
    static final class Plan {
        final HttpResponse answer;
        final AsyncHttpHandler handler;
        final boolean streaming;
        /** The route id the exchange is measured under (see {@link HttpMeters}). */
        final int route;

        private Plan(HttpResponse answer, AsyncHttpHandler handler, boolean streaming, int route) {
            this.route = route;
            this.answer = answer;
            this.handler = handler;
            this.streaming = streaming;
        }
    }

    /** Decides how to answer: the HTTPS redirect on a plaintext listener, else the matching route or the fallback. */
    Plan plan(ServerRequest r, ConnectionContext connection) {
        Optional<HttpResponse> acme = acmeChallenge(r, connection);
        if (acme.isPresent()) {
            return new Plan(acme.get(), null, false, HttpMeters.OTHER);
        }
        Optional<HttpResponse> toHttps = redirectFor(r, connection);
        if (toHttps.isPresent()) {
            return new Plan(toHttps.get(), null, false, HttpMeters.OTHER);
        }
        Router.Match m = router.resolve(r.method(), r.target().segments());
        if (m == null) {
            return new Plan(null, fallback, false, fallbackRoute);
        }
        if (m.handler == null && !Syntax.isStandardMethod(r.method())) {
            return new Plan(HttpResponse.error(501, "method " + r.method() + " is not implemented"), null, false, m.route);
        }
        if (m.handler == null) {
            String allow = String.join(", ", m.allowed);
            HttpResponse answer = r.method().equals("OPTIONS") ? HttpResponse.empty(204)
                    : HttpResponse.error(405, "method " + r.method() + " not allowed");
            return new Plan(answer.header(HttpHeaderNames.ALLOW.toString(), allow), null, false, m.route);
        }
        r.pathParameters(m.parameters);
        return new Plan(null, m.handler, m.streaming, m.route);
    }

    /** Answers a request as planned; a handler that throws or returns no future becomes a failed future. */
    CompletableFuture<HttpResponse> serve(ServerRequest r, Plan plan) {
        if (plan.answer != null) {
            return CompletableFuture.completedFuture(plan.answer);
        }
        try {
            CompletableFuture<HttpResponse> f = plan.handler.handle(r);
            return f == null ? CompletableFuture.failedFuture(new NullPointerException("handler returned no future")) : f;
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Adds the headers the HTTPS policy asks for, and on HTTP/1.1 and HTTP/2 over TLS the HTTP/3 listener. */
    void decorate(HttpResponse response, boolean secure, ConnectionContext connection) {
        if (secure && hsts != null && !response.headers().contains(HSTS)) {
            response.header(HSTS, hsts);
        }
        if (secure && connection.listener().transport() == Transport.TCP && !response.headers().contains(ALT_SVC)) {
            String alt = altSvc();
            if (alt != null) {
                response.header(ALT_SVC, alt);
            }
        }
    }

    /** {@code h3=":PORT"; ma=86400} for the bound HTTP/3 listener; null without one. */
    private String altSvc() {
        String alt = altSvc;
        if (alt == null && h3Listener != null && server != null) {
            alt = server.listenerAddress(h3Listener).map(a -> "h3=\":" + a.getPort() + "\"; ma=86400").orElse(null);
            altSvc = alt;
        }
        return alt;
    }

    /** True for a listener without TLS: a TCP one in mode none (a UDP one is HTTP/3, with QUIC's own TLS). */
    private static boolean plaintext(ConnectionContext connection) {
        return connection.listener().tlsMode() == TlsMode.NONE && connection.listener().transport() == Transport.TCP;
    }

    /**
     * The answer to an ACME server fetching an HTTP-01 challenge of this server's pending order
     * ({@code GET /.well-known/acme-challenge/TOKEN} on a plaintext listener), before any redirect or route;
     * a token no order waits for goes on like any request.
     */
    private Optional<HttpResponse> acmeChallenge(ServerRequest r, ConnectionContext connection) {
        ServerContext s = server;
        if (!r.path().startsWith(ACME_CHALLENGE) || s == null || !plaintext(connection)
                || !(r.method().equals("GET") || r.method().equals("HEAD"))) {
            return Optional.empty();
        }
        String token = r.path().substring(ACME_CHALLENGE.length());
        return s.acmeHttpChallenge(token).map(keyAuthorization -> HttpResponse.text(keyAuthorization));
    }

    private Optional<HttpResponse> redirectFor(ServerRequest r, ConnectionContext connection) {
        if (!redirect || server == null || !plaintext(connection)) {
            return Optional.empty();
        }
        Optional<InetSocketAddress> https = server.listenerAddress(httpsListener);
        if (https.isEmpty()) {
            return Optional.empty();
        }
        String host = redirectHost != null ? redirectHost : hostOf(r.headers().get(HttpHeaderNames.HOST));
        if (host == null) {
            return Optional.of(HttpResponse.error(400, "a Host header is needed to redirect to HTTPS"));
        }
        int port = https.get().getPort();
        String target = r.path() + (r.rawQuery().isEmpty() ? "" : "?" + r.rawQuery());
        String location = "https://" + host + (port == 443 ? "" : ":" + port) + target;
        boolean safe = r.method().equals("GET") || r.method().equals("HEAD");
        // with the short note RFC 9110 section 15.4 suggests, so that a client sees content and not only a header
        return Optional.of(HttpResponse.text("Moved to " + location + "\n").status(safe ? 301 : 308)
                .header(HttpHeaderNames.LOCATION.toString(), location));
    }

    /** The host part of a Host header, or null when it is not a plain name, IPv4 or bracketed IPv6 address. */
    static String hostOf(String hostHeader) {
        if (hostHeader == null || hostHeader.isEmpty()) {
            return null;
        }
        String h = hostHeader;
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0 || !h.substring(1, close).matches("[0-9A-Fa-f:.]+")) {
                return null;
            }
            return h.substring(0, close + 1);
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            h = h.substring(0, colon);
        }
        return h.matches("[A-Za-z0-9.-]+") ? h : null;
    }
}
