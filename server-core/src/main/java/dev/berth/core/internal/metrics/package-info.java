/**
 * Core's meters: the connection, TLS, datagram and server meters of docs/metrics.md, each resolved
 * once per listener (or cached per bounded tag combination) so that the hot path only increments.
 * Not API.
 */
package dev.berth.core.internal.metrics;
