package dev.berth.http;

import java.util.concurrent.CompletableFuture;

/**
 * Answers one request later: the server writes the response when the future completes (on any
 * thread), without blocking the event loop; a failed future becomes a 500 and a log line.
 */
@FunctionalInterface
public interface AsyncHttpHandler {
    CompletableFuture<HttpResponse> handle(HttpRequest request);
}
