package dev.berth.bench.jmh;

/** Setup-time assertions: a benchmark whose fixture does not parse what it claims stops the run instead of timing an error path. */
public final class Check {
    private Check() {
    }

    /** Throws with {@code what} unless {@code ok}. */
    public static void that(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark fixture is broken: " + what);
        }
    }

    /** Throws unless {@code actual} equals {@code expected}. */
    public static void equal(Object expected, Object actual, String what) {
        that(java.util.Objects.equals(expected, actual), what + ": expected <" + expected + "> but was <" + actual + ">");
    }
}
