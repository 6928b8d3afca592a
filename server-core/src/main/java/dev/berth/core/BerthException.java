package dev.berth.core;

import java.util.Optional;

/**
 * A failure a person can act on: bad configuration or a listener that cannot bind. The message is
 * one line that names the file, setting, listener or address at fault, in the terms of the API;
 * {@link #setting()} names the setting in a form the launcher maps to its flag.
 */
public class BerthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String setting;

    public BerthException(String message) {
        this(message, (String) null);
    }

    public BerthException(String message, Throwable cause) {
        super(message, cause);
        this.setting = null;
    }

    /**
     * A failure of one setting: {@code setting} is its path, e.g. {@code listener.https.tlsMode} or
     * {@code tls.privateKey}.
     */
    public BerthException(String message, String setting) {
        super(message);
        this.setting = setting;
    }

    /** The setting at fault, as {@code listener.NAME.FIELD} or {@code SECTION.FIELD}, when one is. */
    public Optional<String> setting() {
        return Optional.ofNullable(setting);
    }
}
