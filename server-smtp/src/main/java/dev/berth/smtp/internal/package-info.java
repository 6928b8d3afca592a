/**
 * The SMTP module's implementation: framing, path and parameter parsing, SASL, message streams and
 * trace headers. Not API.
 */
package dev.berth.smtp.internal;
