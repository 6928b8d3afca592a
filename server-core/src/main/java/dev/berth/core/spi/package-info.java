/**
 * What a protocol module implements and uses: {@link dev.berth.core.spi.ProtocolModule} (an immutable
 * value a server starts once and asks for each connection's handlers), the per-connection
 * {@link dev.berth.core.spi.ConnectionContext}, the server's {@link dev.berth.core.spi.ServerContext},
 * the drain and read-pause signals core sends through a pipeline, and the {@link dev.berth.core.spi.LingeringClose}
 * that ends a connection after a last answer without losing it.
 */
package dev.berth.core.spi;
