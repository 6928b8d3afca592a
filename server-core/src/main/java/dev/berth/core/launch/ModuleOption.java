package dev.berth.core.launch;

import java.util.Objects;

/**
 * A command-line option a module adds to the launcher, e.g. {@code --root}. Its environment
 * variable is {@code BERTH_} plus the name in upper snake case ({@code BERTH_ROOT}).
 */
public final class ModuleOption {
    private final String name;
    private final String defaultValue;
    private final String description;
    private final String label;
    private final boolean secret;
    private final boolean reloadable;

    private ModuleOption(String name, String defaultValue, String description, String label, boolean secret,
                         boolean reloadable) {
        if (!Objects.requireNonNull(name, "name").matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("option name must be lower-case words with dashes: " + name);
        }
        this.name = name;
        this.defaultValue = defaultValue;
        this.description = Objects.requireNonNull(description, "description");
        this.label = label;
        this.secret = secret;
        this.reloadable = reloadable;
    }

    /** An option {@code --name=LABEL} with a default value (null for none). */
    public static ModuleOption of(String name, String label, String defaultValue, String description) {
        return new ModuleOption(name, defaultValue, description, label, false, false);
    }

    /** An option whose value is never logged nor shown by {@code --help}, e.g. a passphrase. */
    public static ModuleOption secret(String name, String label, String description) {
        return new ModuleOption(name, null, description, label, true, false);
    }

    /**
     * This option, marked as one a running server can take on without a restart: when the
     * configuration is re-read (SIGHUP) and its value changed, the launcher hands the module made
     * from the new values to {@link dev.berth.core.spi.ProtocolService#reconfigure}.
     */
    public ModuleOption reloadable() {
        return new ModuleOption(name, defaultValue, description, label, secret, true);
    }

    /** True when a running server can take on a new value of this option (see {@link #reloadable()}). */
    public boolean isReloadable() {
        return reloadable;
    }

    /** The flag without its dashes, e.g. {@code root}. */
    public String name() {
        return name;
    }

    /** The default value, or null when there is none. */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** The value's placeholder in help, e.g. {@code DIR}. */
    public String label() {
        return label;
    }

    public boolean secret() {
        return secret;
    }

    /** {@code BERTH_} plus the name in upper snake case. */
    public String environmentVariable() {
        return environmentVariable(name);
    }

    /** {@code BERTH_} plus a flag name in upper snake case: {@code echo-port} gives {@code BERTH_ECHO_PORT}. */
    public static String environmentVariable(String flagName) {
        return "BERTH_" + flagName.replace('-', '_').toUpperCase(java.util.Locale.ROOT);
    }
}
