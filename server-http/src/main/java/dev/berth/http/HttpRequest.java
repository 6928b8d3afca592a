package dev.berth.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/** One request as a handler sees it, the same for HTTP/1.1 and HTTP/2, with its body already read. */
public interface HttpRequest {

    /** The method in upper case, e.g. {@code GET}. */
    String method();

    /** The path as sent, still percent-encoded, without the query. */
    String path();

    /** The query as sent (without {@code ?}); empty when there is none. */
    String rawQuery();

    /** The decoded query parameters, in order of appearance. */
    Map<String, List<String>> queryParameters();

    /** The first decoded value of a query parameter. */
    default Optional<String> queryParameter(String name) {
        List<String> v = queryParameters().get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** The decoded values of the route's path parameters, e.g. {@code id} for {@code /users/{id}}. */
    Map<String, String> pathParameters();

    /** A path parameter's decoded value; throws when the route has no such parameter. */
    default String pathParameter(String name) {
        String v = pathParameters().get(name);
        if (v == null) {
            throw new IllegalArgumentException("the route has no path parameter '" + name + "'");
        }
        return v;
    }

    HttpHeaders headers();

    default Optional<String> header(String name) {
        return Optional.ofNullable(headers().get(name));
    }

    /** The body (empty when there is none); at most the configured body limit. */
    byte[] body();

    /**
     * The body as a stream. For routes added with {@code streaming(...)} it delivers the bytes as they
     * arrive (and {@link #body()} is empty); otherwise it reads the already complete body.
     */
    default InputStream bodyStream() {
        return new ByteArrayInputStream(body());
    }

    /** The body decoded as UTF-8. */
    default String bodyText() {
        return new String(body(), StandardCharsets.UTF_8);
    }

    /** The client's address: the PROXY header's source when a trusted proxy sent one, else the TCP peer. */
    InetSocketAddress remoteAddress();

    /** The TLS session when the request came over HTTPS. */
    Optional<SSLSession> tlsSession();

    /** {@code HTTP/1.0}, {@code HTTP/1.1} or {@code HTTP/2.0}. */
    String protocol();
}
