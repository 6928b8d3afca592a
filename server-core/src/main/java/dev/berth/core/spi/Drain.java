package dev.berth.core.spi;

/**
 * The user event a graceful stop fires through every live connection: finish what is in flight,
 * tell the peer in the protocol's own terms, then close.
 */
public final class Drain {
    /** The single event instance. */
    public static final Drain EVENT = new Drain();

    private Drain() {
    }

    @Override
    public String toString() {
        return "Drain";
    }
}
