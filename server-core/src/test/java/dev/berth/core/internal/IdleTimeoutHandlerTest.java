package dev.berth.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IdleTimeoutHandlerTest {
    private final List<Object> events = new ArrayList<>();
    private final EmbeddedChannel ch = new EmbeddedChannel();

    IdleTimeoutHandlerTest() {
        // Frozen, so that only advance() moves the channel's clock, not the time the test takes to run.
        ch.freezeTime();
        ch.pipeline().addLast(new IdleTimeoutHandler(Duration.ofSeconds(1)), new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
            }
        });
    }

    private void advance(long millis) {
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
    }

    @Test
    void aConnectionWithNoTrafficGetsTheAllIdleEventWhenTheTimeoutEnds() {
        advance(999);
        assertTrue(events.isEmpty(), "not before the timeout");
        advance(1);
        assertEquals(List.of(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT), events);
    }

    @Test
    void aReadStartsTheTimeoutAgain() {
        advance(600);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
        advance(600);
        assertTrue(events.isEmpty(), "600 ms after the read is not idle");
        advance(400);
        assertEquals(List.of(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT), events);
    }

    @Test
    void aFlushedWriteStartsTheTimeoutAgain() {
        advance(600);
        ch.writeOutbound(Unpooled.wrappedBuffer(new byte[] {1}));
        ReferenceCountUtil.release(ch.readOutbound());
        advance(600);
        assertTrue(events.isEmpty(), "600 ms after the write is not idle");
        advance(400);
        assertEquals(1, events.size());
    }

    @Test
    void theOutputDrainingStartsTheTimeoutAgainSoASlowButMovingReaderIsNotIdle() {
        advance(600);
        ch.pipeline().fireChannelWritabilityChanged();
        advance(600);
        assertTrue(events.isEmpty());
        advance(400);
        assertEquals(1, events.size());
    }

    @Test
    void aConnectionThatStaysIdleGetsFurtherEventsOnePerTimeout() {
        advance(1000);
        advance(1000);
        assertEquals(List.of(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT, IdleStateEvent.ALL_IDLE_STATE_EVENT), events);
    }

    @Test
    void handlersOnOneLoopShareOneSweepAndEachFiresWithinAQuarterOfItsTimeout() {
        List<Object> shorter = new ArrayList<>();
        // A second timer on the same loop (400 ms), ahead of the first in the pipeline: the sweep now checks
        // at least every 100 ms, and each handler fires when its own timeout ends.
        ch.pipeline().addFirst(new IdleTimeoutHandler(Duration.ofMillis(400)), new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                shorter.add(evt);
            }
        });
        advance(399);
        assertTrue(shorter.isEmpty(), "not before its timeout");
        advance(101); // the sweep's period for 400 ms is 100 ms
        assertEquals(List.of(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT), shorter);
        assertTrue(events.isEmpty(), "the 1 s timer has not ended");
        advance(600);
        assertEquals(List.of(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT), events, "the 1 s timer fired on time");
    }

    @Test
    void aTimerThatAnotherTimersEventRemovesDuringTheSweepDoesNotFire() {
        List<Object> second = new ArrayList<>();
        ch.pipeline().addFirst(new IdleTimeoutHandler(Duration.ofSeconds(1)), new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                second.add(evt);
                // Joined later, this timer is checked first; its event takes the other timer out of the pipeline.
                String other = IdleTimeoutHandler.class.getSimpleName() + "#0";
                if (ctx.pipeline().get(other) != null) {
                    ctx.pipeline().remove(other);
                }
            }
        });
        advance(1000);
        assertEquals(List.of(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT), second);
        assertTrue(events.isEmpty(), "the removed timer fired nothing");
        advance(1000);
        assertEquals(2, second.size(), "the sweep goes on for the timer left");
    }

    @Test
    void theSweepPeriodIsAQuarterOfTheTimeoutAtMostOneSecond() {
        assertEquals(TimeUnit.MILLISECONDS.toNanos(250), IdleSweep.periodFor(TimeUnit.SECONDS.toNanos(1)));
        assertEquals(TimeUnit.SECONDS.toNanos(1), IdleSweep.periodFor(TimeUnit.SECONDS.toNanos(300)));
    }

    @Test
    void aClosedConnectionLeavesNoTimerBehind() {
        ch.close();
        advance(5000);
        assertTrue(events.isEmpty());
        assertEquals(-1, ch.runScheduledPendingTasks(), "no timer still scheduled");
    }
}
