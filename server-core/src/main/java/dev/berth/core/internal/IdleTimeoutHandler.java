package dev.berth.core.internal;

import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Fires an {@code IdleStateEvent} when a connection has neither read nor written for the idle
 * timeout. A protocol handler may answer it in its own terms; otherwise {@link TailHandler} closes.
 */
public final class IdleTimeoutHandler extends IdleStateHandler {
    public IdleTimeoutHandler(Duration timeout) {
        super(false, 0, 0, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
