/**
 * The admin listener: a small, strict HTTP/1.1 server on Netty's own codec (core cannot depend on
 * server-http) that serves {@code /metrics}, {@code /healthz}, {@code /readyz} and {@code /info}.
 * Not API.
 */
package dev.berth.core.internal.admin;
