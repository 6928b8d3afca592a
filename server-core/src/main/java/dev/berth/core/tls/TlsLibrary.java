package dev.berth.core.tls;

/** Which TLS implementation serves a listener. */
public enum TlsLibrary {
    /** OpenSSL (netty-tcnative's BoringSSL) when it loads on this machine, the JDK's otherwise. */
    AUTO,
    /** netty-tcnative's BoringSSL; start-up fails when it does not load. */
    OPENSSL,
    /** The JDK's own TLS (SunJSSE). */
    JDK
}
