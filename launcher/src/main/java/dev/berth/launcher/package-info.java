/**
 * The command line of every runnable Berth jar: flags and {@code BERTH_*} environment variables
 * (picocli), logging set-up (logback), signals, exit codes, and the mapping of configuration errors to
 * the flag that caused them.
 */
package dev.berth.launcher;
