/**
 * The SMTP module's implementation: the session (replies, timers, the client's input, calls into the
 * message handler off the event loop), one class per verb behind a command table, the DATA and BDAT
 * content phase, framing, path and parameter parsing with typed refusals, SASL, message streams and
 * trace headers. Not API.
 */
package dev.berth.smtp.internal;
