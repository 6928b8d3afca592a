/**
 * TLS as configuration and policy: {@link dev.berth.core.tls.TlsConfig} (PEM chain and key, passphrase,
 * policy, client certificates, SNI entries), the TLS modes a listener can use, and STARTTLS, the one
 * path by which a protocol switches a plaintext connection to TLS.
 */
package dev.berth.core.tls;
