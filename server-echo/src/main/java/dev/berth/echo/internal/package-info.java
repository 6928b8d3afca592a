/**
 * How the echo and greeting modules are offered on the launcher's command line. Not API.
 */
package dev.berth.echo.internal;
