package dev.berth.core;

/** Whether a listener expects a PROXY protocol (v1 or v2) header in front of each connection. */
public enum ProxyProtocol {
    /** No header is read; a connection's peer is its TCP peer. */
    OFF,
    /** Every connection from a trusted source must start with a header; untrusted sources are closed. */
    ON,
    /** A trusted source may send a header; an untrusted source that sends one is closed. */
    AUTO
}
