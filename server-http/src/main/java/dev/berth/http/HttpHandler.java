package dev.berth.http;

/**
 * Answers one request. Runs on the connection's event loop unless the route was added with
 * {@code blocking(...)}, so it must not block there; a thrown exception becomes a 500 and a log line.
 */
@FunctionalInterface
public interface HttpHandler {
    HttpResponse handle(HttpRequest request) throws Exception;
}
