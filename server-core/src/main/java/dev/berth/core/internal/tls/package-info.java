/**
 * Core's TLS implementation: reading and checking PEM material, the self-signed default, building the
 * TLS contexts for a policy and library, the provider that swaps them on reload, the file watch, the
 * service a server owns, and the handlers installed at accept. Not API: no public type outside this
 * package exposes one of its types, and no other module uses it.
 */
package dev.berth.core.internal.tls;
