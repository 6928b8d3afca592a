/**
 * HTTP/1.1 and HTTP/2: {@link dev.berth.http.HttpModule} with its routes and handlers (on the event loop,
 * async, blocking, streaming), {@link dev.berth.http.HttpRequest} and {@link dev.berth.http.HttpResponse},
 * static files, and the request limits.
 */
package dev.berth.http;
