package dev.berth.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.smtp.SmtpConfig;
import dev.berth.smtp.SmtpReply;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The session's clock on a real event loop, with a command timeout of 300 ms and a data timeout of 3 s: a wait
 * restarted often never runs out, one left alone does, a shorter wait after a longer one ends on time, and a
 * paused or cancelled clock says nothing.
 */
class SessionTimerTest {
    private static final long COMMAND_MS = 300;
    private final EventLoop loop = new DefaultEventLoop();
    private final LinkedBlockingQueue<Long> fired = new LinkedBlockingQueue<>();
    private final SessionTimer timer = new SessionTimer(loop, SmtpConfig.builder()
            .commandTimeout(Duration.ofMillis(COMMAND_MS)).dataTimeout(Duration.ofSeconds(3)).build(), this::goodbye);

    private void goodbye(SmtpReply r) {
        assertEquals(SessionTimer.TIMEOUT, r);
        fired.add(System.nanoTime());
    }

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private long onLoop(Runnable r) throws Exception {
        long t = System.nanoTime();
        loop.submit(r).get(5, TimeUnit.SECONDS);
        return t;
    }

    private static long millisSince(long t0, long t1) {
        return TimeUnit.NANOSECONDS.toMillis(t1 - t0);
    }

    @Test
    void aWaitRestartedBeforeItEndsNeverRunsOutAndOneLeftAloneDoes() throws Exception {
        long last = 0;
        for (int i = 0; i < 12; i++) { // 12 x 100 ms: four times the timeout, each restart well inside it
            last = onLoop(() -> timer.restart(false));
            Thread.sleep(100);
        }
        assertTrue(fired.isEmpty(), "restarted every 100 ms: no timeout");
        Long at = fired.poll(5, TimeUnit.SECONDS);
        assertTrue(at != null, "left alone, it runs out");
        long after = millisSince(last, at);
        assertTrue(after >= COMMAND_MS - 5 && after < COMMAND_MS + 1000, "ran out " + after + " ms after the last restart");
        Thread.sleep(2 * COMMAND_MS);
        assertEquals(0, fired.size(), "once");
    }

    @Test
    void aCommandWaitAfterALongerDataWaitEndsOnItsOwnTime() throws Exception {
        onLoop(() -> timer.restart(true));
        long t = onLoop(() -> timer.restart(false));
        Long at = fired.poll(5, TimeUnit.SECONDS);
        assertTrue(at != null && millisSince(t, at) < 1500, "the 300 ms wait ended, not the 3 s one: " + at);
    }

    @Test
    void aPausedClockSaysNothingUntilRestartedAndACancelledOneNothingAtAll() throws Exception {
        onLoop(() -> {
            timer.restart(false);
            timer.pause();
        });
        Thread.sleep(3 * COMMAND_MS);
        assertTrue(fired.isEmpty(), "paused (a handler call): no timeout");
        long t = onLoop(() -> timer.restart(false));
        Long at = fired.poll(5, TimeUnit.SECONDS);
        assertTrue(at != null && millisSince(t, at) >= COMMAND_MS - 5, "resumed: it runs out again, a full wait later");
        onLoop(() -> {
            timer.restart(false);
            timer.cancel();
        });
        Thread.sleep(3 * COMMAND_MS);
        assertTrue(fired.isEmpty(), "cancelled: nothing");
    }
}
