package dev.berth.smtp;

import dev.berth.core.launch.ModuleOption;
import dev.berth.core.launch.ModuleSettings;
import java.util.List;

/**
 * A message store the launcher offers through {@code --smtp-store NAME}, found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.berth.smtp.SmtpStoreProvider}): a module
 * such as {@code server-smtp-kafka} adds a store, and its flags, by being on the class path.
 */
public interface SmtpStoreProvider {

    /** The name {@code --smtp-store} takes, e.g. {@code kafka}. */
    String name();

    /** The store's own flags, shown by {@code --help} whatever store is chosen. */
    List<ModuleOption> options();

    /** The store the flags describe; a bad or missing value fails with a {@code BerthException} naming its flag. */
    SmtpStore create(ModuleSettings settings);
}
