package dev.berth.core;

/**
 * The names of the handlers core installs in every pipeline, so that a module can find them or
 * insert its own handlers relative to them.
 *
 * <p>Order in a TCP connection's pipeline, first to last, each present only when its feature is on:
 * <ol>
 *   <li>{@link #PROXY_PROTOCOL}: reads the PROXY v1/v2 header, then removes itself; the connection's
 *       {@code channelActive} reaches later handlers only after the header is read, so they see the
 *       real client address;</li>
 *   <li>{@link #TLS} (the {@code SslHandler}, installed at accept in IMPLICIT mode, or by
 *       {@code StartTls} on request) or {@link #TLS_SNIFFER} (OPTIONAL mode, replaced by {@link #TLS}
 *       when the first bytes are a ClientHello);</li>
 *   <li>{@link #CONNECTION_LIMIT}: closes a connection over the total or per-address limit, and
 *       removes itself once the connection is counted;</li>
 *   <li>{@link #IDLE_TIMEOUT}: fires {@code IdleStateEvent} when nothing moves for the idle timeout, and stops
 *       reading while the channel is not writable (one handler for both, which is also the connection's
 *       {@code ConnectionContext}, so that an idle connection carries one; a module that removes it removes
 *       backpressure too, and one that anchors a handler on {@link #BACKPRESSURE} finds no such handler unless
 *       the idle timeout is zero);</li>
 *   <li>{@link #BACKPRESSURE}, only when the idle timeout is zero, in its place: the same handler without an idle
 *       timer;</li>
 *   <li>{@link #TLS_HANDSHAKE_GATE} (IMPLICIT mode): holds {@code channelActive} back from the protocol until
 *       the TLS handshake has succeeded, so the protocol's first write is always encrypted;</li>
 *   <li>the protocol module's handlers;</li>
 *   <li>{@link #TAIL}: closes on an {@code IdleStateEvent} that no protocol handler took.</li>
 * </ol>
 *
 * <p>A UDP channel's pipeline has {@link #DATAGRAM_SIZE_LIMIT}, then the protocol's handlers.
 */
public final class PipelineNames {
    public static final String PROXY_PROTOCOL = "berth.proxy-protocol";
    public static final String PROXY_PROTOCOL_DECODER = "berth.proxy-protocol-decoder";
    public static final String TLS = "berth.tls";
    public static final String TLS_SNIFFER = "berth.tls-sniffer";
    public static final String CONNECTION_LIMIT = "berth.connection-limit";
    public static final String IDLE_TIMEOUT = "berth.idle-timeout";
    public static final String BACKPRESSURE = "berth.backpressure";
    public static final String TLS_HANDSHAKE_GATE = "berth.tls-handshake-gate";
    public static final String TAIL = "berth.tail";
    public static final String DATAGRAM_SIZE_LIMIT = "berth.datagram-size-limit";

    private PipelineNames() {
    }
}
