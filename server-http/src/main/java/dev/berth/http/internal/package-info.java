/**
 * The HTTP module's implementation: the strict request decoder, protocol selection, the exchange and
 * response writers, routing and the static-file handler. Not API.
 */
package dev.berth.http.internal;
