package dev.berth.http.internal;

import dev.berth.http.HttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/** The {@link HttpRequest} the server hands to handlers: a fully read request and its connection's facts. */
public final class ServerRequest implements HttpRequest {
    private final String method;
    private final RequestTarget target;
    private final HttpHeaders headers;
    private byte[] body;
    private final InetSocketAddress remote;
    private final SSLSession tls;
    private final String protocol;
    private Map<String, String> pathParameters = Map.of();
    private Map<String, List<String>> query;
    private InputStream stream;

    public ServerRequest(String method, RequestTarget target, HttpHeaders headers, byte[] body, InetSocketAddress remote,
                  SSLSession tls, String protocol) {
        this.method = method;
        this.target = target;
        this.headers = headers;
        this.body = body;
        this.remote = remote;
        this.tls = tls;
        this.protocol = protocol;
    }

    void pathParameters(Map<String, String> parameters) {
        this.pathParameters = Map.copyOf(parameters);
    }

    /** Sets the body once it is complete (the request is built when its head arrives). */
    void body(byte[] complete) {
        this.body = complete;
    }

    /** Makes {@link #bodyStream()} deliver the body as it arrives. */
    void stream(InputStream body) {
        this.stream = body;
    }

    @Override
    public InputStream bodyStream() {
        return stream != null ? stream : HttpRequest.super.bodyStream();
    }

    RequestTarget target() {
        return target;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return target.rawPath();
    }

    @Override
    public String rawQuery() {
        return target.rawQuery();
    }

    @Override
    public Map<String, List<String>> queryParameters() {
        if (query == null) {
            query = target.queryParameters();
        }
        return query;
    }

    @Override
    public Map<String, String> pathParameters() {
        return pathParameters;
    }

    @Override
    public HttpHeaders headers() {
        return headers;
    }

    @Override
    public byte[] body() {
        return body;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public Optional<SSLSession> tlsSession() {
        return Optional.ofNullable(tls);
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public String toString() {
        return method + " " + target.rawPath() + (target.rawQuery().isEmpty() ? "" : "?" + target.rawQuery())
                + " " + protocol + " from " + remote;
    }
}
