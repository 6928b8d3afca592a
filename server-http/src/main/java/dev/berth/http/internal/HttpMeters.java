package dev.berth.http.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The meters of one HTTP service in one server (docs/metrics.md, "HTTP"): request duration and body
 * sizes per listener, method, status class, route template and protocol version, the requests and
 * HTTP/2 streams in progress, and HTTP/2 resets and GOAWAYs by direction.
 *
 * <p>Every tag value comes from a closed set: the nine standard methods or {@code _OTHER}, five status
 * classes, three versions, and the routes registered (a route id, see {@link #OTHER} and
 * {@link #STATIC}). So the meters of a listener live in one fixed array per route, filled on first use:
 * a request looks its meters up by index, never builds tags or a key.
 */
public final class HttpMeters {
    /** The route of requests no registered route or static file answered (server refusals, redirects, 404s). */
    public static final int OTHER = 0;
    /** The route of requests the static-file fallback answered. */
    public static final int STATIC = 1;

    /** OpenTelemetry's advised boundaries for {@code http.server.request.duration}, in seconds. */
    private static final double[] DURATION_BUCKETS = {
        0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10};
    private static final String[] METHODS = {
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "_OTHER"};
    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    private static final String[] VERSIONS = {"1.0", "1.1", "2", "3"};
    private static final int SLOTS = METHODS.length * STATUS_CLASSES.length * VERSIONS.length;
    private static final Duration[] SLOS = new Duration[DURATION_BUCKETS.length];

    static {
        for (int i = 0; i < DURATION_BUCKETS.length; i++) {
            SLOS[i] = Duration.ofNanos((long) (DURATION_BUCKETS[i] * 1e9));
        }
    }

    private final MeterRegistry registry;
    private final List<String> routes;
    private final ConcurrentHashMap<String, Listener> listeners = new ConcurrentHashMap<>();

    /**
     * Meters in {@code registry}; {@code routes} are the {@code http.route} values by route id, with
     * {@link #OTHER} and {@link #STATIC} first (see {@link #routeLabels(List)}).
     */
    public HttpMeters(MeterRegistry registry, List<String> routes) {
        this.registry = registry;
        this.routes = List.copyOf(routes);
    }

    /** Meters that record nowhere, for a service not started in a server (unit tests). */
    static HttpMeters none(List<String> routes) {
        return new HttpMeters(new CompositeMeterRegistry(), routes);
    }

    /** The {@code http.route} values by route id: {@code _OTHER}, {@code static}, then the given templates. */
    static List<String> routeLabels(List<String> templates) {
        java.util.ArrayList<String> all = new java.util.ArrayList<>(templates.size() + 2);
        all.add("_OTHER");
        all.add("static");
        all.addAll(templates);
        return all;
    }

    /** The meters of one listener, made on its first connection. */
    public Listener listener(String name) {
        Listener l = listeners.get(name);
        return l != null ? l : listeners.computeIfAbsent(name, Listener::new);
    }

    /**
     * The index of a request's method; the decoder gives the known ones as Netty's constants, so the usual case
     * is an identity test, not a string switch.
     */
    static int method(HttpMethod m) {
        if (m == HttpMethod.GET) {
            return 0;
        }
        if (m == HttpMethod.HEAD) {
            return 1;
        }
        return method(m.name());
    }

    /** The index of a method among the known ones; anything else is {@code _OTHER}. */
    static int method(String m) {
        switch (m) {
            case "GET": return 0;
            case "HEAD": return 1;
            case "POST": return 2;
            case "PUT": return 3;
            case "DELETE": return 4;
            case "CONNECT": return 5;
            case "OPTIONS": return 6;
            case "TRACE": return 7;
            case "PATCH": return 8;
            default: return 9;
        }
    }

    /** The index of a protocol version: 0 for HTTP/1.0, 1 for HTTP/1.1, 2 for HTTP/2, 3 for HTTP/3. */
    static int version(boolean http2, boolean http3, boolean http10) {
        return http3 ? 3 : http2 ? 2 : http10 ? 0 : 1;
    }

    /** What one exchange is measured by. */
    private static final class ExchangeMeters {
        final Timer duration;
        final DistributionSummary requestBody;
        final DistributionSummary responseBody;

        ExchangeMeters(Timer duration, DistributionSummary requestBody, DistributionSummary responseBody) {
            this.duration = duration;
            this.requestBody = requestBody;
            this.responseBody = responseBody;
        }
    }

    /** The meters of one listener; shared by its connections and their event loops. */
    public final class Listener {
        private final String name;
        private final AtomicInteger activeRequests = new AtomicInteger();
        private final AtomicInteger activeStreams = new AtomicInteger();
        private final Counter resetsSent;
        private final Counter resetsReceived;
        private final Counter goAwaysSent;
        private final Counter goAwaysReceived;
        /** Per route id, the meters per (method, status class, version), registered on first use. */
        private final AtomicReferenceArray<AtomicReferenceArray<ExchangeMeters>> byRoute;

        private Listener(String name) {
            this.name = name;
            Gauge.builder("http.server.active_requests", activeRequests, AtomicInteger::get).tag("listener", name)
                    .description("HTTP requests in progress").strongReference(true).register(registry);
            Gauge.builder("berth.http.streams.active", activeStreams, AtomicInteger::get).tag("listener", name)
                    .description("HTTP/2 streams open").strongReference(true).register(registry);
            resetsSent = counter("berth.http.resets", "sent", "HTTP/2 RST_STREAM frames");
            resetsReceived = counter("berth.http.resets", "received", "HTTP/2 RST_STREAM frames");
            goAwaysSent = counter("berth.http.goaways", "sent", "HTTP/2 GOAWAY frames");
            goAwaysReceived = counter("berth.http.goaways", "received", "HTTP/2 GOAWAY frames");
            byRoute = new AtomicReferenceArray<>(routes.size());
        }

        private Counter counter(String meter, String direction, String description) {
            return Counter.builder(meter).tags("listener", name, "direction", direction).description(description)
                    .register(registry);
        }

        /** A request has begun (its head arrived, or the decoder refused it). */
        void requestStarted() {
            activeRequests.incrementAndGet();
        }

        /** A request has ended, answered or not; every {@link #requestStarted()} is matched by one call. */
        void requestEnded() {
            activeRequests.decrementAndGet();
        }

        void streamOpened() {
            activeStreams.incrementAndGet();
        }

        void streamClosed() {
            activeStreams.decrementAndGet();
        }

        void reset(boolean sent) {
            (sent ? resetsSent : resetsReceived).increment();
        }

        void goAway(boolean sent) {
            (sent ? goAwaysSent : goAwaysReceived).increment();
        }

        /** Records one answered exchange; {@code responseBytes} are the body bytes written, not the declared length. */
        void record(int route, int method, int status, int version, long nanos, long requestBytes, long responseBytes) {
            int statusClass = Math.max(0, Math.min(4, status / 100 - 1));
            int slot = (method * STATUS_CLASSES.length + statusClass) * VERSIONS.length + version;
            AtomicReferenceArray<ExchangeMeters> slots = byRoute.get(route);
            if (slots == null) {
                byRoute.compareAndSet(route, null, new AtomicReferenceArray<>(SLOTS));
                slots = byRoute.get(route);
            }
            ExchangeMeters m = slots.get(slot);
            if (m == null) {
                // a race registers the same meters twice: the registry hands back the ones it holds
                m = register(routes.get(route), METHODS[method], STATUS_CLASSES[statusClass], VERSIONS[version]);
                slots.set(slot, m);
            }
            m.duration.record(nanos, TimeUnit.NANOSECONDS);
            m.requestBody.record(requestBytes);
            m.responseBody.record(responseBytes);
        }

        private ExchangeMeters register(String route, String method, String statusClass, String version) {
            Tags tags = Tags.of("listener", name, "http.request.method", method, "http.response.status_class",
                    statusClass, "http.route", route, "network.protocol.version", version);
            Timer duration = Timer.builder("http.server.request.duration").tags(tags)
                    .description("HTTP requests, from the request head to the last byte of the answer written")
                    .serviceLevelObjectives(SLOS).register(registry);
            DistributionSummary in = DistributionSummary.builder("http.server.request.body.size").tags(tags)
                    .baseUnit(BaseUnits.BYTES).description("Request body bytes received").register(registry);
            DistributionSummary out = DistributionSummary.builder("http.server.response.body.size").tags(tags)
                    .baseUnit(BaseUnits.BYTES).description("Response body bytes written to the client").register(registry);
            return new ExchangeMeters(duration, in, out);
        }
    }
}
