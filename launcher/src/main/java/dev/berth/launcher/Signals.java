package dev.berth.launcher;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a graceful stop, so the process can finish work and exit 0, and SIGHUP
 * into a re-read of the configuration.
 */
final class Signals {

    private Signals() {
    }

    /** Looked up when a signal comes, not at class load: the handlers are installed before logging is set up. */
    private static Logger log() {
        return LoggerFactory.getLogger(Signals.class);
    }

    static void onStop(Runnable stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), s -> {
                    log().info("SIG{} received: stopping gracefully", name);
                    stop.run();
                });
            } catch (IllegalArgumentException e) {
                log().debug("cannot handle SIG{} here: {}", name, e.getMessage());
            }
        }
    }

    /** Runs {@code action} on SIGHUP: re-read the configuration ({@link ConfigReload}), which reloads the TLS files too. */
    static void onHangUp(Runnable action) {
        try {
            Signal.handle(new Signal("HUP"), s -> action.run());
        } catch (IllegalArgumentException e) {
            log().debug("cannot handle SIGHUP here: {}", e.getMessage());
        }
    }
}
