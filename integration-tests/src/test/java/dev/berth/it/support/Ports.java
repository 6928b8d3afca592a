package dev.berth.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports, for peers that cannot take port 0 (HAProxy frontends, host-network containers). */
public final class Ports {
    private Ports() {
    }

    /** A port nothing listens on right now; the caller binds it soon after. */
    public static int freeLoopbackPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
