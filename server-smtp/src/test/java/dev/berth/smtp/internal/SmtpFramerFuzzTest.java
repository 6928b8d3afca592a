package dev.berth.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.berth.smtp.internal.SmtpFrame.BadLine;
import dev.berth.smtp.internal.SmtpFrame.CommandLine;
import dev.berth.smtp.internal.SmtpFrame.Content;
import dev.berth.smtp.internal.SmtpFrame.ContentEnd;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SMTP framer on arbitrary bytes, driven as the session drives it (DATA and BDAT switch its mode, and it is
 * suspended and resumed as a busy handler would): every frame it hands out is the client's bytes, exactly
 * (command lines without CRLF, DATA lines with the stuffed dot removed, BDAT chunks by count), a DATA message
 * ends only at a clean CRLF.CRLF, nothing it holds grows past the line limits, and its buffer is released.
 *
 * <p>Input layout: byte 0 is the piece size (0: all at once), byte 1 the suspend pattern (bit i set: suspend
 * after the frame i mod 8 of each read), the rest is what the client sends.
 */
class SmtpFramerFuzzTest {
    private static final int MAX_COMMAND_LINE = 80;
    private static final int MAX_TEXT_LINE = 120;
    private static final Pattern BDAT = Pattern.compile("([0-9]{1,18})(?: +LAST)?", Pattern.CASE_INSENSITIVE);

    @FuzzTest
    void framesAreTheClientsBytesExactlyAndTheBufferStaysBounded(byte[] input) {
        if (input.length < 2) {
            return;
        }
        int piece = input[0] & 0xff;
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        SmtpFramer framer = new SmtpFramer(MAX_COMMAND_LINE, MAX_TEXT_LINE);
        Driver driver = new Driver(framer, Arrays.copyOfRange(input, 2, input.length), input[1] & 0xff);
        ch.pipeline().addLast(framer, driver);
        for (int from = 2; from < input.length; ) {
            int n = piece == 0 ? input.length - from : Math.min(piece, input.length - from);
            ByteBuf buf = alloc.heapBuffer(n);
            buf.writeBytes(input, from, n);
            from += n;
            driver.framesThisRead = 0;
            ch.writeInbound(buf);
            driver.framesThisRead = -8; // no suspending from inside resume: the session resumes once per read
            framer.resume();
            ch.checkException();
            assertTrue(framer.buffered() < Math.max(MAX_COMMAND_LINE, MAX_TEXT_LINE),
                    "the framer holds " + framer.buffered() + " octets with nothing to wait for");
        }
        ch.finishAndReleaseAll();
        assertEquals(0, alloc.metric().usedHeapMemory(), "the framer's buffer was not released");
    }

    /** Plays the session: reacts to DATA and BDAT, suspends now and then, and checks each frame against the input. */
    private static final class Driver extends ChannelInboundHandlerAdapter {
        private final SmtpFramer framer;
        private final byte[] sent;
        private final int suspendPattern;
        int framesThisRead;
        /** Where in {@code sent} the next frame's bytes start; -1 once frames no longer map to it one for one. */
        private int at;
        private enum Mode { COMMAND, DATA, CHUNK }
        private Mode mode = Mode.COMMAND;
        private long chunkLeft;

        Driver(SmtpFramer framer, byte[] sent, int suspendPattern) {
            this.framer = framer;
            this.sent = sent;
            this.suspendPattern = suspendPattern;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            assertNotNull(msg);
            if (msg instanceof CommandLine) {
                commandLine(((CommandLine) msg).bytes());
            } else if (msg instanceof BadLine) {
                assertEquals(Mode.COMMAND, mode, "a bad command line outside command mode");
                at = -1; // the framer dropped an unknown number of octets, as it should
            } else if (msg instanceof Content) {
                content(((Content) msg).bytes());
            } else if (msg instanceof ContentEnd) {
                contentEnd((ContentEnd) msg);
            } else {
                fail("unexpected frame " + msg);
            }
            if (framesThisRead >= 0 && (suspendPattern >> (framesThisRead++ % 8) & 1) != 0) {
                framer.suspend();
            }
        }

        private void commandLine(byte[] line) {
            assertEquals(Mode.COMMAND, mode, "a command line outside command mode");
            assertTrue(line.length + 2 <= MAX_COMMAND_LINE, "a command line over the limit");
            for (byte b : line) {
                assertTrue(b != '\r' && b != '\n', "CR or LF inside a command line");
            }
            if (at >= 0) {
                assertArrayEquals(Arrays.copyOfRange(sent, at, at + line.length), line, "command line is not what was sent");
                assertEquals('\r', sent[at + line.length]);
                assertEquals('\n', sent[at + line.length + 1]);
                at += line.length + 2;
            }
            SmtpCommand c;
            try {
                c = SmtpCommand.parse(line);
            } catch (SmtpRefusal e) {
                return;
            }
            // as DataCommand and BdatCommand switch the framer (their refusals aside)
            Matcher bdat = BDAT.matcher(c.argument.trim());
            if (c.verb.equals("DATA")) {
                mode = Mode.DATA;
                framer.startData();
            } else if (c.verb.equals("BDAT") && bdat.matches()) {
                mode = Mode.CHUNK;
                chunkLeft = Long.parseLong(bdat.group(1));
                framer.startChunk(chunkLeft);
            }
        }

        private void content(byte[] bytes) {
            assertTrue(bytes.length > 0, "an empty content frame");
            if (mode == Mode.CHUNK) {
                assertTrue(bytes.length <= chunkLeft, "more chunk octets than BDAT announced");
                chunkLeft -= bytes.length;
                if (at >= 0) {
                    assertArrayEquals(Arrays.copyOfRange(sent, at, at + bytes.length), bytes, "chunk bytes differ");
                    at += bytes.length;
                }
                return;
            }
            assertEquals(Mode.DATA, mode, "content in command mode");
            assertTrue(bytes.length <= MAX_TEXT_LINE, "a DATA line over the limit");
            // every line handed on ends in CRLF and holds no other CR or LF
            int n = bytes.length;
            assertTrue(n >= 2 && bytes[n - 2] == '\r' && bytes[n - 1] == '\n', "a DATA line without CRLF");
            for (int i = 0; i < n - 2; i++) {
                assertTrue(bytes[i] != '\r' && bytes[i] != '\n', "bare CR or LF inside a DATA line handed on");
            }
            if (at >= 0) {
                int from = at;
                if (sent[from] == '.') {
                    from++; // the stuffed dot: every line handed on follows a clean line end
                }
                assertArrayEquals(Arrays.copyOfRange(sent, from, from + n), bytes, "DATA line differs from what was sent");
                at = from + n;
            }
        }

        private void contentEnd(ContentEnd end) {
            if (mode == Mode.CHUNK) {
                assertEquals(0, chunkLeft, "a chunk ended early");
                assertEquals(null, end.problem());
            } else {
                assertEquals(Mode.DATA, mode, "content end in command mode");
                if (at >= 0 && end.problem() == null) {
                    assertArrayEquals(new byte[] {'.', '\r', '\n'}, Arrays.copyOfRange(sent, at, at + 3),
                            "a message ended somewhere else than at CRLF.CRLF");
                    at += 3;
                } else {
                    at = -1;
                }
            }
            mode = Mode.COMMAND;
        }
    }
}
