package dev.berth.core;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Formats socket addresses the way Berth logs them: {@code tcp://127.0.0.1:7007}, {@code udp://[::1]:7007}. */
public final class Addresses {
    private Addresses() {
    }

    /** {@code scheme://host:port}, with IPv6 hosts in brackets. */
    public static String uri(Transport transport, String host, int port) {
        return transport.scheme() + "://" + hostPort(host, port);
    }

    /** {@code host:port}, with IPv6 hosts in brackets. */
    public static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The literal address of a socket address, without a reverse lookup. */
    public static String host(InetSocketAddress address) {
        if (address.getAddress() == null) {
            return address.getHostString();
        }
        return io.netty.util.NetUtil.toAddressString(address.getAddress());
    }

    /** {@code host:port} of any socket address, for logs. */
    public static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            InetSocketAddress a = (InetSocketAddress) address;
            return hostPort(host(a), a.getPort());
        }
        return String.valueOf(address);
    }
}
