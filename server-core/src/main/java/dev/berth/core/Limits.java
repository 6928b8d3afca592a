package dev.berth.core;

import java.time.Duration;

/**
 * Per-listener limits: connections in total and per client address, the idle timeout, the
 * write-buffer watermarks that drive backpressure, and the largest UDP datagram accepted.
 *
 * <p>Immutable; change a value with the {@code with...} methods.
 */
public final class Limits {
    /** The defaults a listener gets when nothing is configured. */
    public static final Limits DEFAULTS = new Limits(10_000, 256, Duration.ofMinutes(5), 32 * 1024, 64 * 1024, 65_507);

    private final int maxConnections;
    private final int maxConnectionsPerIp;
    private final Duration idleTimeout;
    private final int writeBufferLow;
    private final int writeBufferHigh;
    private final int maxDatagramSize;

    private Limits(int maxConnections, int maxConnectionsPerIp, Duration idleTimeout,
                   int writeBufferLow, int writeBufferHigh, int maxDatagramSize) {
        if (maxConnections < 1) {
            throw new BerthException("max connections must be at least 1, not " + maxConnections);
        }
        if (maxConnectionsPerIp < 1) {
            throw new BerthException("max connections per IP must be at least 1, not " + maxConnectionsPerIp);
        }
        if (idleTimeout.isNegative()) {
            throw new BerthException("idle timeout must not be negative: " + idleTimeout);
        }
        if (writeBufferLow < 1 || writeBufferHigh < writeBufferLow) {
            throw new BerthException("write buffer watermarks need 1 <= low <= high, not low " + writeBufferLow
                    + " and high " + writeBufferHigh);
        }
        if (maxDatagramSize < 1 || maxDatagramSize > 65_535) {
            throw new BerthException("max datagram size must be within 1..65535, not " + maxDatagramSize);
        }
        this.maxConnections = maxConnections;
        this.maxConnectionsPerIp = maxConnectionsPerIp;
        this.idleTimeout = idleTimeout;
        this.writeBufferLow = writeBufferLow;
        this.writeBufferHigh = writeBufferHigh;
        this.maxDatagramSize = maxDatagramSize;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public int maxConnectionsPerIp() {
        return maxConnectionsPerIp;
    }

    /**
     * Time without reads or writes after which a connection is closed; zero turns the timeout off. One sweep per
     * event loop checks its connections, so the close comes at the timeout or up to a quarter of it (at most one
     * second) later.
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    public int writeBufferLow() {
        return writeBufferLow;
    }

    public int writeBufferHigh() {
        return writeBufferHigh;
    }

    public int maxDatagramSize() {
        return maxDatagramSize;
    }

    public Limits withMaxConnections(int value) {
        return new Limits(value, maxConnectionsPerIp, idleTimeout, writeBufferLow, writeBufferHigh, maxDatagramSize);
    }

    public Limits withMaxConnectionsPerIp(int value) {
        return new Limits(maxConnections, value, idleTimeout, writeBufferLow, writeBufferHigh, maxDatagramSize);
    }

    public Limits withIdleTimeout(Duration value) {
        return new Limits(maxConnections, maxConnectionsPerIp, value, writeBufferLow, writeBufferHigh, maxDatagramSize);
    }

    public Limits withWriteBuffer(int low, int high) {
        return new Limits(maxConnections, maxConnectionsPerIp, idleTimeout, low, high, maxDatagramSize);
    }

    public Limits withMaxDatagramSize(int value) {
        return new Limits(maxConnections, maxConnectionsPerIp, idleTimeout, writeBufferLow, writeBufferHigh, value);
    }

    @Override
    public String toString() {
        return "Limits[maxConnections=" + maxConnections + ", perIp=" + maxConnectionsPerIp + ", idle=" + idleTimeout
                + ", writeBuffer=" + writeBufferLow + ".." + writeBufferHigh + ", maxDatagram=" + maxDatagramSize + "]";
    }
}
