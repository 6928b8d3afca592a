package dev.berth.core.spi;

import java.util.Arrays;

/** One type-length-value field of a PROXY protocol v2 header, copied out of the connection's buffers. */
public final class ProxyTlv {
    private final int type;
    private final byte[] value;

    public ProxyTlv(int type, byte[] value) {
        this.type = type;
        this.value = value.clone();
    }

    /** The type octet, e.g. 0x01 for ALPN, 0x02 for the authority, 0x20 for SSL. */
    public int type() {
        return type;
    }

    public byte[] value() {
        return value.clone();
    }

    @Override
    public String toString() {
        return "ProxyTlv[type=0x" + Integer.toHexString(type) + ", " + value.length + " bytes]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProxyTlv && ((ProxyTlv) o).type == type && Arrays.equals(((ProxyTlv) o).value, value);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(value);
    }
}
