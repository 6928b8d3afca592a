/**
 * TLS as configuration and policy: {@link dev.berth.core.tls.TlsConfig} (PEM chain and key, passphrase,
 * policy, client certificates, SNI entries), the TLS modes a listener can use, the
 * {@link dev.berth.core.tls.TlsContextProvider} asked on every accept, what a handler may learn of a
 * connection's TLS, what a reload did, and STARTTLS, the one path by which a protocol switches a plaintext
 * connection to TLS. How the contexts are made, loaded, reloaded and installed is core's implementation.
 */
package dev.berth.core.tls;
