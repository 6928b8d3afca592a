package dev.berth.http.internal;

import dev.berth.http.AsyncHttpHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Routes by method and path pattern ({@code /users/{id}}); literal segments win over parameters
 * because routes are tried in the order they were added, and a path that matches only under another
 * method is reported so that the caller can answer 405 with {@code Allow}.
 */
public final class Router {
    private final List<Route> routes = new ArrayList<>();
    /** The distinct patterns in the order first added: route {@code i} of {@link #templates()} has id {@code i + 2}. */
    private final List<String> templates = new ArrayList<>();

    /** One route: method, pattern segments, handler. */
    private static final class Route {
        final String method;
        final String[] segments;
        /** Per segment, the parameter's name, or null for a literal segment: worked out once, not per request. */
        final String[] parameters;
        final AsyncHttpHandler handler;
        final boolean streaming;
        /** The route's id for its meters: its pattern's place in {@link HttpMeters}' route list. */
        final int id;

        Route(String method, String[] segments, AsyncHttpHandler handler, boolean streaming, int id) {
            this.method = method;
            this.id = id;
            this.segments = segments;
            this.parameters = new String[segments.length];
            for (int i = 0; i < segments.length; i++) {
                if (segments[i].startsWith("{")) {
                    parameters[i] = segments[i].substring(1, segments[i].length() - 1);
                }
            }
            this.handler = handler;
            this.streaming = streaming;
        }
    }

    /** What a path resolved to: a handler with its parameters, or the methods that would have matched. */
    public static final class Match {
        public final AsyncHttpHandler handler;
        public final Map<String, String> parameters;
        public final Set<String> allowed;
        /** True when the handler reads the body as it arrives instead of after it is complete. */
        public final boolean streaming;
        /** The id of the matched pattern (for 405, the first pattern the path matched), see {@link #templates()}. */
        public final int route;

        Match(AsyncHttpHandler handler, Map<String, String> parameters, Set<String> allowed, boolean streaming, int route) {
            this.route = route;
            this.handler = handler;
            this.parameters = parameters;
            this.allowed = allowed;
            this.streaming = streaming;
        }
    }

    /** Adds a route; the pattern must start with {@code /}; {@code {name}} segments are parameters. */
    public void add(String method, String pattern, AsyncHttpHandler handler) {
        add(method, pattern, handler, false);
    }

    /** Adds a route whose handler is called as soon as the head arrives, to read the body as a stream. */
    public void add(String method, String pattern, AsyncHttpHandler handler, boolean streaming) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("route pattern must start with '/': " + pattern);
        }
        String[] segments = split(pattern);
        for (String s : segments) {
            if (s.startsWith("{") != s.endsWith("}") || s.equals("{}")) {
                throw new IllegalArgumentException("malformed path parameter in route " + pattern);
            }
        }
        int index = templates.indexOf(pattern);
        if (index < 0) {
            index = templates.size();
            templates.add(pattern);
        }
        routes.add(new Route(method, segments, handler, streaming, HttpMeters.STATIC + 1 + index));
    }

    /** The distinct route patterns, as registered: their {@code http.route} values, ids from {@code STATIC + 1}. */
    public List<String> templates() {
        return Collections.unmodifiableList(templates);
    }

    public boolean isEmpty() {
        return routes.isEmpty();
    }

    /**
     * Finds the handler for a method and a decoded path split into segments; HEAD falls back to GET.
     * Returns null when no route's pattern matches the path at all.
     */
    public Match resolve(String method, List<String> path) {
        // allocated only when a path matches under another method: the common hit allocates nothing but the Match
        Set<String> allowed = null;
        Match headFallback = null;
        int first = HttpMeters.OTHER;
        for (Route r : routes) {
            Map<String, String> params = match(r, path);
            if (params == null) {
                continue;
            }
            if (r.method.equals(method)) {
                return new Match(r.handler, params, Set.of(), r.streaming, r.id);
            }
            if (method.equals("HEAD") && r.method.equals("GET") && headFallback == null) {
                headFallback = new Match(r.handler, params, Set.of(), r.streaming, r.id);
            }
            if (allowed == null) {
                allowed = new TreeSet<>();
                first = r.id;
            }
            allowed.add(r.method);
        }
        if (headFallback != null) {
            return headFallback;
        }
        if (allowed == null) {
            return null;
        }
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        allowed.add("OPTIONS");
        return new Match(null, Map.of(), Collections.unmodifiableSet(allowed), false, first);
    }

    private static Map<String, String> match(Route route, List<String> path) {
        String[] pattern = route.segments;
        if (pattern.length != path.size()) {
            return null;
        }
        Map<String, String> params = null;
        for (int i = 0; i < pattern.length; i++) {
            String name = route.parameters[i];
            String segment = path.get(i);
            if (name != null) {
                if (segment.isEmpty()) {
                    return null;
                }
                if (params == null) {
                    params = new LinkedHashMap<>();
                }
                params.put(name, segment);
            } else if (!pattern[i].equals(segment)) {
                return null;
            }
        }
        return params == null ? Map.of() : params;
    }

    private static String[] split(String pattern) {
        return pattern.equals("/") ? new String[] {""} : pattern.substring(1).split("/", -1);
    }
}
