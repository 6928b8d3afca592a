package dev.berth.core;

/**
 * A failure a person can act on: bad configuration or a listener that cannot bind. The message is
 * one line that names the file, flag, listener or address at fault.
 */
public class BerthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BerthException(String message) {
        super(message);
    }

    public BerthException(String message, Throwable cause) {
        super(message, cause);
    }
}
