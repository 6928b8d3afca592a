package dev.berth.http;

import dev.berth.core.BerthException;
import java.time.Duration;

/**
 * The HTTP server's own limits: request line, header section and body sizes, how long a client may
 * take to send a request head, how long an idle keep-alive connection stays open, and how many HTTP/2
 * streams may run at once. Immutable; change a value with the {@code with...} methods.
 */
public final class HttpLimits {
    /** The defaults: 8 KiB request line, 16 KiB headers, 10 MiB body, 10 s head timeout, 30 s body timeout, 60 s keep-alive, 100 streams. */
    public static final HttpLimits DEFAULTS = new HttpLimits(8 * 1024, 16 * 1024, 10L * 1024 * 1024,
            Duration.ofSeconds(10), Duration.ofSeconds(60), 100, 32, Duration.ofSeconds(30));

    private final int maxRequestLine;
    private final int maxHeaderSize;
    private final long maxBodySize;
    private final Duration headerTimeout;
    private final Duration keepAliveTimeout;
    private final int maxConcurrentStreams;
    private final int maxPipelined;
    private final Duration bodyTimeout;

    private HttpLimits(int maxRequestLine, int maxHeaderSize, long maxBodySize, Duration headerTimeout,
                       Duration keepAliveTimeout, int maxConcurrentStreams, int maxPipelined, Duration bodyTimeout) {
        positive("max request line", maxRequestLine);
        positive("max header size", maxHeaderSize);
        if (maxBodySize < 0) {
            throw new BerthException("max body size must not be negative: " + maxBodySize);
        }
        if (headerTimeout.isNegative() || headerTimeout.isZero()) {
            throw new BerthException("header timeout must be positive: " + headerTimeout);
        }
        if (keepAliveTimeout.isNegative()) {
            throw new BerthException("keep-alive timeout must not be negative: " + keepAliveTimeout);
        }
        if (bodyTimeout.isNegative() || bodyTimeout.isZero()) {
            throw new BerthException("body timeout must be positive: " + bodyTimeout);
        }
        positive("max concurrent streams", maxConcurrentStreams);
        positive("max pipelined requests", maxPipelined);
        this.maxRequestLine = maxRequestLine;
        this.maxHeaderSize = maxHeaderSize;
        this.maxBodySize = maxBodySize;
        this.headerTimeout = headerTimeout;
        this.keepAliveTimeout = keepAliveTimeout;
        this.maxConcurrentStreams = maxConcurrentStreams;
        this.maxPipelined = maxPipelined;
        this.bodyTimeout = bodyTimeout;
    }

    private static void positive(String what, long value) {
        if (value < 1) {
            throw new BerthException(what + " must be at least 1, not " + value);
        }
    }

    /** Longest request line (method, target and version) in bytes; longer gets 414. */
    public int maxRequestLine() {
        return maxRequestLine;
    }

    /** Largest header section (or trailer section) in bytes; larger gets 431. */
    public int maxHeaderSize() {
        return maxHeaderSize;
    }

    /** Largest request body in bytes; larger gets 413 before the body is read. */
    public long maxBodySize() {
        return maxBodySize;
    }

    /** Time from a request's first byte until its header section is complete; slower gets 408 and a close. */
    public Duration headerTimeout() {
        return headerTimeout;
    }

    /**
     * Longest gap between bytes of an HTTP/1.1 request body (time the server itself holds reading off
     * does not count); slower gets 408 and a close, so a client cannot hold a connection with a trickle.
     */
    public Duration bodyTimeout() {
        return bodyTimeout;
    }

    public HttpLimits withBodyTimeout(Duration value) {
        return new HttpLimits(maxRequestLine, maxHeaderSize, maxBodySize, headerTimeout, keepAliveTimeout, maxConcurrentStreams,
                maxPipelined, value);
    }

    /** Time an HTTP/1.1 connection may sit idle between requests before it is closed; zero means never. */
    public Duration keepAliveTimeout() {
        return keepAliveTimeout;
    }

    /** SETTINGS_MAX_CONCURRENT_STREAMS announced on HTTP/2 connections. */
    public int maxConcurrentStreams() {
        return maxConcurrentStreams;
    }

    /** Requests read ahead on one HTTP/1.1 connection while earlier ones are still being answered. */
    public int maxPipelined() {
        return maxPipelined;
    }

    public HttpLimits withMaxRequestLine(int value) {
        return new HttpLimits(value, maxHeaderSize, maxBodySize, headerTimeout, keepAliveTimeout, maxConcurrentStreams, maxPipelined, bodyTimeout);
    }

    public HttpLimits withMaxHeaderSize(int value) {
        return new HttpLimits(maxRequestLine, value, maxBodySize, headerTimeout, keepAliveTimeout, maxConcurrentStreams, maxPipelined, bodyTimeout);
    }

    public HttpLimits withMaxBodySize(long value) {
        return new HttpLimits(maxRequestLine, maxHeaderSize, value, headerTimeout, keepAliveTimeout, maxConcurrentStreams, maxPipelined, bodyTimeout);
    }

    public HttpLimits withHeaderTimeout(Duration value) {
        return new HttpLimits(maxRequestLine, maxHeaderSize, maxBodySize, value, keepAliveTimeout, maxConcurrentStreams, maxPipelined, bodyTimeout);
    }

    public HttpLimits withKeepAliveTimeout(Duration value) {
        return new HttpLimits(maxRequestLine, maxHeaderSize, maxBodySize, headerTimeout, value, maxConcurrentStreams, maxPipelined, bodyTimeout);
    }

    public HttpLimits withMaxConcurrentStreams(int value) {
        return new HttpLimits(maxRequestLine, maxHeaderSize, maxBodySize, headerTimeout, keepAliveTimeout, value, maxPipelined, bodyTimeout);
    }

    public HttpLimits withMaxPipelined(int value) {
        return new HttpLimits(maxRequestLine, maxHeaderSize, maxBodySize, headerTimeout, keepAliveTimeout, maxConcurrentStreams, value, bodyTimeout);
    }

    @Override
    public String toString() {
        return "HttpLimits[requestLine=" + maxRequestLine + ", headers=" + maxHeaderSize + ", body=" + maxBodySize
                + ", headerTimeout=" + headerTimeout + ", keepAlive=" + keepAliveTimeout
                + ", bodyTimeout=" + bodyTimeout + ", streams=" + maxConcurrentStreams + ", pipelined=" + maxPipelined + "]";
    }
}
