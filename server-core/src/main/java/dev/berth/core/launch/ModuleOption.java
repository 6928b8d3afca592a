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

    private ModuleOption(String name, String defaultValue, String description, String label, boolean secret) {
        if (!Objects.requireNonNull(name, "name").matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("option name must be lower-case words with dashes: " + name);
        }
        this.name = name;
        this.defaultValue = defaultValue;
        this.description = Objects.requireNonNull(description, "description");
        this.label = label;
        this.secret = secret;
    }

    /** An option {@code --name=LABEL} with a default value (null for none). */
    public static ModuleOption of(String name, String label, String defaultValue, String description) {
        return new ModuleOption(name, defaultValue, description, label, false);
    }

    /** An option whose value is never logged nor shown by {@code --help}, e.g. a passphrase. */
    public static ModuleOption secret(String name, String label, String description) {
        return new ModuleOption(name, null, description, label, true);
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
