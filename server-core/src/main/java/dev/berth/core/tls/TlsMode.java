package dev.berth.core.tls;

/** When a listener's connections speak TLS. */
public enum TlsMode {
    /** Plaintext only. */
    NONE,
    /** TLS from the first byte: the {@code SslHandler} is installed at accept. */
    IMPLICIT,
    /** Plaintext until the protocol's client asks to switch (SMTP's STARTTLS); see {@link StartTls}. */
    STARTTLS,
    /** The first bytes decide: a TLS ClientHello gets TLS, anything else is served as plaintext. */
    OPTIONAL
}
