/** What the distribution ships besides the jar: the systemd unit and the container image, checked with the real tools. */
package dev.berth.it.packaging;
