/**
 * Core's implementation: the handlers core installs in every pipeline, transports, the ready file.
 * Not API: no public type outside this package exposes one of its types, and no other module uses it.
 */
package dev.berth.core.internal;
