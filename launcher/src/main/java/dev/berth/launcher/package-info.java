/**
 * The command line of every runnable Berth jar: flags and {@code BERTH_*} environment variables
 * (picocli), the {@code --config} YAML file whose keys mirror the flags ({@code ConfigLayout}),
 * {@code --print-config}, logging set-up (logback), signals (SIGHUP re-reads the configuration), exit
 * codes, and the mapping of configuration errors to the flag, or file line, that caused them.
 */
package dev.berth.launcher;
