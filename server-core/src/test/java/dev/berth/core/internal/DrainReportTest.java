package dev.berth.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.spi.Drain;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrainReportTest {

    @Test
    void aCutConnectionIsDescribedByWhatItsProtocolSaysAndTheBytesStillQueued() {
        EmbeddedChannel busy = new EmbeddedChannel();
        Drain.describeInFlight(busy, () -> "GET /big.iso: 20 of 50 bytes sent");
        busy.write(Unpooled.wrappedBuffer(new byte[1234]));
        EmbeddedChannel quiet = new EmbeddedChannel();

        DrainReport report = DrainReport.of(List.of(busy, quiet));

        assertEquals(2, report.connections());
        assertTrue(report.summary().matches("2 connection\\(s\\) \\(\\? 2\\), about 1[2-4]\\d\\d bytes queued unsent"),
                "the 1234 bytes written and not yet sent, plus Netty's overhead per message: " + report.summary());
        assertTrue(report.details().get(0).matches(".*: GET /big.iso: 20 of 50 bytes sent, about 1[2-4]\\d\\d bytes queued unsent"),
                report.details().get(0));
        assertTrue(report.details().get(1).endsWith(": no work in flight reported"), report.details().get(1));
        busy.finishAndReleaseAll();
        quiet.finishAndReleaseAll();
    }

    @Test
    void beyondTheDetailLimitTheSummaryCountsWhatItDoesNotList() {
        List<EmbeddedChannel> open = new ArrayList<>();
        for (int i = 0; i < DrainReport.DETAIL_LIMIT + 5; i++) {
            open.add(new EmbeddedChannel());
        }
        DrainReport report = DrainReport.of(new ArrayList<>(open));
        assertEquals(DrainReport.DETAIL_LIMIT, report.details().size());
        assertTrue(report.summary().contains("25 connection(s)") && report.summary().endsWith("the first 20 follow"),
                report.summary());
        open.forEach(EmbeddedChannel::finishAndReleaseAll);
    }
}
