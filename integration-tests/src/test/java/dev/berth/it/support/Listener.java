package dev.berth.it.support;

import java.net.InetSocketAddress;

/** One bound listener as a deployed server's ready file reports it. */
public final class Listener {
    private final String name;
    private final String transport;
    private final String host;
    private final int port;

    Listener(String name, String transport, String host, int port) {
        this.name = name;
        this.transport = transport;
        this.host = host;
        this.port = port;
    }

    public String name() {
        return name;
    }

    /** {@code tcp} or {@code udp}. */
    public String transport() {
        return transport;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    /** {@code host:port}, the way most command-line clients take it. */
    public String hostPort() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return name + " " + transport + "://" + hostPort();
    }
}
