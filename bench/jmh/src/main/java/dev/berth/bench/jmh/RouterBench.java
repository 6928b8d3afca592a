package dev.berth.bench.jmh;

import dev.berth.http.AsyncHttpHandler;
import dev.berth.http.HttpResponse;
import dev.berth.http.internal.RequestTarget;
import dev.berth.http.internal.Router;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * {@link Router#resolve} over twenty routes (literal and {@code {parameter}} patterns) for an exact hit
 * late in the table, a two-parameter hit, a miss (every route tried) and a path known only under another
 * method (405). The anchor is a HashMap lookup of the same exact path's segments: the floor for any router.
 */
public class RouterBench extends MicroBench {
    private static final String[][] ROUTES = {
        {"GET", "/"}, {"GET", "/health"}, {"GET", "/metrics"}, {"GET", "/login"}, {"POST", "/login"},
        {"GET", "/logout"}, {"GET", "/api/v1/status"}, {"GET", "/api/v1/users"}, {"POST", "/api/v1/users"},
        {"GET", "/api/v1/users/{id}"}, {"PUT", "/api/v1/users/{id}"}, {"DELETE", "/api/v1/users/{id}"},
        {"GET", "/api/v1/users/{id}/posts"}, {"GET", "/api/v1/users/{id}/posts/{post}"},
        {"GET", "/api/v1/orders"}, {"POST", "/api/v1/orders"}, {"GET", "/api/v1/orders/{id}"},
        {"GET", "/api/v1/products"}, {"GET", "/api/v1/products/{sku}"}, {"GET", "/static/app.js"},
    };

    private final Router router = new Router();
    private final Map<List<String>, AsyncHttpHandler> exactGets = new HashMap<>();
    private final Map<String, AsyncHttpHandler> handlers = new HashMap<>();
    private final List<String> exact = segments("/api/v1/products");
    private final List<String> parameters = segments("/api/v1/users/42/posts/7");
    private final List<String> miss = segments("/api/v2/unknown/thing");
    private final List<String> otherMethod = segments("/api/v1/users/42");

    private static List<String> segments(String path) {
        return RequestTarget.parse(path).segments();
    }

    @Setup
    public void setUp() {
        for (String[] r : ROUTES) {
            String key = r[0] + " " + r[1];
            AsyncHttpHandler h = request -> CompletableFuture.completedFuture(HttpResponse.text(key));
            handlers.put(key, h);
            router.add(r[0], r[1], h);
            if (r[0].equals("GET") && !r[1].contains("{")) {
                exactGets.put(segments(r[1]), h);
            }
        }
        Check.equal(20, ROUTES.length, "routes");
        Check.that(exactHit().handler == handlers.get("GET /api/v1/products"), "exact hit routes to GET /api/v1/products");
        Router.Match p = parameterHit();
        Check.that(p.handler == handlers.get("GET /api/v1/users/{id}/posts/{post}"), "parameter hit routes to the posts route");
        Check.equal(Map.of("id", "42", "post", "7"), p.parameters, "path parameters");
        Check.that(miss() == null, "an unknown path matches nothing");
        Router.Match m = methodNotAllowed();
        Check.that(m.handler == null, "PATCH has no handler");
        Check.equal(Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS"), m.allowed, "Allow for PATCH /api/v1/users/42");
        Check.that(anchorHashMapExact() == handlers.get("GET /api/v1/products"), "HashMap anchor finds the same handler");
    }

    @Benchmark
    public Router.Match exactHit() {
        return router.resolve("GET", exact);
    }

    @Benchmark
    public Router.Match parameterHit() {
        return router.resolve("GET", parameters);
    }

    @Benchmark
    public Router.Match miss() {
        return router.resolve("GET", miss);
    }

    @Benchmark
    public Router.Match methodNotAllowed() {
        return router.resolve("PATCH", otherMethod);
    }

    @Benchmark
    public AsyncHttpHandler anchorHashMapExact() {
        return exactGets.get(exact);
    }
}
