package dev.berth.core.tls;

import io.netty.handler.ssl.SslContext;

/**
 * Gives the {@link SslContext} for a new connection, asked on every accept (or STARTTLS) with the
 * host name the client sent in SNI, so that SNI and certificate reload reach new connections
 * without touching live ones.
 */
@FunctionalInterface
public interface TlsContextProvider {

    /**
     * The context for a host name; {@code hostName} is null when the client sent no SNI. An unknown
     * name gets the default context; never returns null.
     */
    SslContext contextFor(String hostName);

    /**
     * The context for a host name and what the client's ClientHello says it accepts; a listener with
     * both an RSA and an ECDSA chain serves ECDSA to clients that accept it. By default, by name only.
     */
    default SslContext contextFor(String hostName, ClientHello hello) {
        return contextFor(hostName);
    }
}
