package dev.berth.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.smtp.internal.SmtpFrame.BadLine;
import dev.berth.smtp.internal.SmtpFrame.CommandLine;
import dev.berth.smtp.internal.SmtpFrame.Content;
import dev.berth.smtp.internal.SmtpFrame.ContentEnd;
import dev.berth.smtp.internal.SmtpFrame.LineProblem;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SmtpFramerTest {
    private final SmtpFramer framer = new SmtpFramer(512, 1000);
    private final EmbeddedChannel ch = new EmbeddedChannel(framer);

    private void write(String s) {
        ch.writeInbound(Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1));
    }

    private String command() {
        Object f = ch.readInbound();
        assertInstanceOf(CommandLine.class, f, "expected a command line, got " + f);
        return new String(((CommandLine) f).bytes(), StandardCharsets.ISO_8859_1);
    }

    private LineProblem bad() {
        Object f = ch.readInbound();
        assertInstanceOf(BadLine.class, f, "expected a bad line, got " + f);
        return ((BadLine) f).problem();
    }

    /** Reads content frames up to the end; returns the content and the end's problem. */
    private Object[] content() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            Object f = ch.readInbound();
            if (f == null) {
                return new Object[] {b.toString(StandardCharsets.ISO_8859_1), "no end"};
            }
            if (f instanceof ContentEnd) {
                return new Object[] {b.toString(StandardCharsets.ISO_8859_1), ((ContentEnd) f).problem()};
            }
            b.writeBytes(((Content) f).bytes());
        }
    }

    @Test
    void commandLinesEndOnlyWithCrlfEvenWhenSplitAcrossReads() {
        write("EHLO cli");
        assertNull(ch.readInbound());
        write("ent.example\r\nNOOP\r\n");
        assertEquals("EHLO client.example", command());
        assertEquals("NOOP", command());
    }

    @Test
    void aBareLineFeedInACommandIsABadLineAndTheNextLineStillParses() {
        write("NOOP\nRSET\r\n");
        assertEquals(LineProblem.BARE_CR_OR_LF, bad());
        assertEquals("RSET", command());
    }

    @Test
    void aBareCarriageReturnInACommandIsABadLine() {
        write("NOOP\rRSET\r\n");
        assertEquals(LineProblem.BARE_CR_OR_LF, bad());
        assertNull(ch.readInbound());
    }

    @Test
    void aCommandLineOverTheLimitIsTooLongWhetherItArrivesWholeOrInPieces() {
        write("NOOP " + "x".repeat(506) + "\r\n"); // 513 octets
        assertEquals(LineProblem.TOO_LONG, bad());
        write("NOOP " + "x".repeat(505) + "\r\n"); // 512 octets
        assertEquals("NOOP " + "x".repeat(505), command());
        for (int i = 0; i < 10; i++) {
            write("y".repeat(300));
        }
        assertNull(ch.readInbound());
        write("\r\nQUIT\r\n");
        assertEquals(LineProblem.TOO_LONG, bad());
        assertEquals("QUIT", command());
    }

    @Test
    void dataEndsAtCrlfDotCrlfAndUndoesDotStuffingExactly() {
        framer.startData();
        write("..leading dot\r\n...two\r\n. space\r\nmid.dle\r\n.\r\nNOOP\r\n");
        Object[] c = content();
        assertEquals(".leading dot\r\n..two\r\n space\r\nmid.dle\r\n", c[0]);
        assertNull(c[1]);
        assertEquals("NOOP", command());
    }

    @Test
    void anEmptyMessageEndsAtOnce() {
        framer.startData();
        write(".\r\n");
        Object[] c = content();
        assertEquals("", c[0]);
        assertNull(c[1]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n", "\r.\r\n", "\r\n.\r", "\n.\r", "\r.\n"})
    void noSmugglingSequenceEndsTheMessageEarlyAndTheMessageIsSpoilt(String sequence) {
        framer.startData();
        write("Subject: first\r\n\r\nbody" + sequence + "MAIL FROM:<evil@example.org>\r\nRCPT TO:<v@example.com>\r\n"
                + "DATA\r\nSubject: smuggled\r\n\r\nevil\r\n.\r\nNOOP\r\n");
        Object[] c = content();
        assertEquals(LineProblem.BARE_CR_OR_LF, c[1], "sequence " + sequence.replace("\r", "CR").replace("\n", "LF"));
        assertEquals("NOOP", command());
        assertNull(ch.readInbound());
    }

    @Test
    void aDataLineOverTheLimitSpoilsTheMessageButTheEndIsStillFound() {
        framer.startData();
        write("short\r\n" + "z".repeat(999) + "\r\n.\r\nQUIT\r\n"); // 1001 octets with CRLF
        Object[] c = content();
        assertEquals(LineProblem.TOO_LONG, c[1]);
        assertEquals("QUIT", command());
    }

    @Test
    void aDotRightAfterAnOverlongLineDoesNotEndTheMessage() {
        framer.startData();
        write("z".repeat(1500));
        write("\n.\r\nstill data\r\n.\r\n");
        Object[] c = content();
        assertEquals(LineProblem.TOO_LONG, c[1]);
        assertNull(ch.readInbound());
    }

    @Test
    void aChunkIsPassedOnByCountWithBareLineEndsUntouched() {
        framer.startChunk(7);
        write("a\nb\rc\r");
        write("\nNOOP\r\n");
        Object[] c = content();
        assertEquals("a\nb\rc\r\n", c[0]);
        assertNull(c[1]);
        assertEquals("NOOP", command());
    }

    @Test
    void anEmptyChunkEndsAtOnce() {
        write("X"); // no line yet
        framer.startChunk(0);
        framer.resume();
        assertInstanceOf(ContentEnd.class, ch.readInbound());
    }

    @Test
    void aSuspendedFramerHoldsItsFramesUntilResumed() {
        framer.suspend();
        write("NOOP\r\nQUIT\r\n");
        assertNull(ch.readInbound());
        assertTrue(framer.buffered() > 0);
        framer.resume();
        assertEquals("NOOP", command());
        assertEquals("QUIT", command());
    }

    @Test
    void commandBytesAreCopiedNotShared() {
        write("NOOP\r\n");
        byte[] first = ((CommandLine) ch.readInbound()).bytes();
        write("RSET\r\n");
        assertArrayEquals("NOOP".getBytes(StandardCharsets.US_ASCII), first);
    }
}
