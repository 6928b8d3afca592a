package dev.berth.core.tls;

/** Whether a listener asks its clients for a certificate, checked against the configured CA bundle. */
public enum TlsClientAuth {
    /** No client certificate is asked for. */
    NONE,
    /** A client may present a certificate; if it does, it must verify against the CA bundle. */
    OPTIONAL,
    /** A client without a certificate that verifies against the CA bundle is refused. */
    REQUIRED
}
