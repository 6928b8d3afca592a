package dev.berth.core;

import java.net.InetAddress;
import java.util.List;

/** A listener's PROXY protocol setting: the mode and the source blocks whose headers are believed. */
public final class ProxyProtocolConfig {
    /** PROXY protocol off. */
    public static final ProxyProtocolConfig OFF = new ProxyProtocolConfig(ProxyProtocol.OFF, List.of());

    private final ProxyProtocol mode;
    private final List<Cidr> trusted;

    private ProxyProtocolConfig(ProxyProtocol mode, List<Cidr> trusted) {
        this.mode = mode;
        this.trusted = List.copyOf(trusted);
    }

    /** A setting whose headers are accepted only from the given source blocks. */
    public static ProxyProtocolConfig of(ProxyProtocol mode, List<Cidr> trusted) {
        if (mode != ProxyProtocol.OFF && trusted.isEmpty()) {
            throw new BerthException("PROXY protocol " + mode.name().toLowerCase(java.util.Locale.ROOT)
                    + " needs at least one trusted source block");
        }
        return new ProxyProtocolConfig(mode, trusted);
    }

    public ProxyProtocol mode() {
        return mode;
    }

    public List<Cidr> trusted() {
        return trusted;
    }

    /** True when a connection from this address may carry a PROXY header. */
    public boolean trusts(InetAddress source) {
        for (Cidr c : trusted) {
            if (c.contains(source)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return mode == ProxyProtocol.OFF ? "off" : mode.name().toLowerCase(java.util.Locale.ROOT) + " from " + trusted;
    }
}
