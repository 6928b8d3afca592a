/**
 * The echo protocol (RFC 862) over TCP and UDP, and the greeting service: Berth's smallest modules,
 * and the reference for how a protocol module is written.
 */
package dev.berth.echo;
