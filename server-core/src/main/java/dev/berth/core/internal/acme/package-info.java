/** ACME (RFC 8555) issuance and renewal behind {@link dev.berth.core.tls.AcmeConfig}: not API. */
package dev.berth.core.internal.acme;
