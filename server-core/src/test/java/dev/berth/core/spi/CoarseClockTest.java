package dev.berth.core.spi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CoarseClockTest {

    @Test
    void aReadIsNeverAheadOfTheSystemClockAndFollowsIt() throws Exception {
        CoarseClock clock = new CoarseClock(10, 1_000, "test-clock-follows");
        long first = clock.millis();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        long last = first;
        while (System.nanoTime() < end) {
            long before = System.currentTimeMillis();
            long read = clock.millis();
            long after = System.currentTimeMillis();
            assertTrue(read <= after, "the coarse clock read " + read + ", ahead of the system's " + after);
            // a tick is 10 ms; a loaded machine may run the ticker late, but not by seconds
            assertTrue(read >= before - 1_000, "the coarse clock read " + read + ", " + (before - read) + " ms behind");
            assertTrue(read >= last, "the coarse clock went back from " + last + " to " + read);
            last = read;
            Thread.sleep(1);
        }
        assertTrue(last - first >= 200, "the coarse clock moved " + (last - first) + " ms in 300 ms");
    }

    @Test
    void theTickerEndsWhenNobodyAsksAndTheNextReadIsFreshAndStartsItAgain() throws Exception {
        CoarseClock clock = new CoarseClock(5, 50, "test-clock-idle");
        clock.millis();
        assertTrue(clock.ticking(), "the first read did not start the ticker");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (clock.ticking() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(clock.ticking(), "the ticker went on with nobody asking for the time");
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("test-clock-idle")) {
                t.join(2_000);
                assertFalse(t.isAlive(), "the ticker's thread did not end");
            }
        }

        Thread.sleep(30); // the value it left is stale by now: the next read must not return it
        long before = System.currentTimeMillis();
        long read = clock.millis();
        assertTrue(read >= before, "the first read after a quiet spell returned the ticker's old time: "
                + (before - read) + " ms behind");
        assertTrue(clock.ticking(), "a read after a quiet spell did not start the ticker again");
    }

    @Test
    void anInterruptedTickerEndsInsteadOfSpinningAndTheNextReadStartsAnother() throws Exception {
        CoarseClock clock = new CoarseClock(5, 60_000, "test-clock-interrupt");
        clock.millis();
        Thread ticker = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("test-clock-interrupt")).findFirst().orElseThrow();
        ticker.interrupt();
        ticker.join(2_000);
        assertFalse(ticker.isAlive(), "the interrupted ticker went on");
        assertFalse(clock.ticking());
        long before = System.currentTimeMillis();
        assertTrue(clock.millis() >= before, "the read after the ticker ended was not fresh");
        assertTrue(clock.ticking(), "no new ticker after the interrupted one ended");
    }
}
