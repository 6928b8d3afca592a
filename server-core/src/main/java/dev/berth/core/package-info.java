/**
 * The runtime: a {@link dev.berth.core.Server} made from listeners ({@link dev.berth.core.ListenerConfig}:
 * address, transport, TLS mode, PROXY protocol, limits) and the protocol modules that serve them, built
 * with {@link dev.berth.core.Server#builder()}, started, and stopped gracefully. Nothing here knows
 * flags, environment variables or a logging backend.
 */
package dev.berth.core;
