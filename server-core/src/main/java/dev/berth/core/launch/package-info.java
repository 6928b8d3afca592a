/**
 * How a module is offered on a launcher's command line, apart from the runtime: a
 * {@link dev.berth.core.launch.ModuleFactory} names its flags ({@link dev.berth.core.launch.ModuleOption})
 * and default listeners and makes a configured module from their values
 * ({@link dev.berth.core.launch.ModuleSettings}). The runtime never uses this package; the launcher
 * (module {@code berth-launcher}) does, and so do the protocol modules' factories.
 */
package dev.berth.core.launch;
