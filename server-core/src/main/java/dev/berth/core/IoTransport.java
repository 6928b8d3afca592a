package dev.berth.core;

/** The I/O engine under every listener: native epoll or io_uring when they load, NIO otherwise. */
public enum IoTransport {
    /** Epoll when the native library loads, NIO otherwise. */
    AUTO,
    EPOLL,
    IO_URING,
    NIO
}
