package dev.berth.core;

/** The socket kind a listener serves: a TCP stream or UDP datagrams. */
public enum Transport {
    TCP,
    UDP;

    /** The lower-case scheme used in logs and the ready file, {@code tcp} or {@code udp}. */
    public String scheme() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
