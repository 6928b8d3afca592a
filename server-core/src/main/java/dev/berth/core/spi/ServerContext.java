package dev.berth.core.spi;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;

/** What a module may use from the running server. */
public interface ServerContext {

    /** The data directory (default {@code ./berth-data}): generated certificates, mail stores. */
    Path dataDirectory();

    /** A pool for blocking work (disk writes, blocking handlers); never block an event loop. */
    ExecutorService blockingExecutor();
}
