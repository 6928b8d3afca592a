package dev.berth.bench.jmh;

import dev.berth.smtp.internal.SmtpFrame;
import dev.berth.smtp.internal.SmtpFramer;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One message's DATA section (dot-stuffed, ending in CRLF.CRLF) read in 16 KiB pieces: Berth's
 * {@link SmtpFramer} in DATA mode (line cutting, bare CR/LF and line-length checks, dot-unstuffing, the
 * end-of-data line, a copy per line) against Netty's {@link LineBasedFrameDecoder} merely cutting the
 * same bytes into lines. {@code size} is the size on the wire.
 */
public class SmtpDataBench extends MicroBench {
    private static final String HEADER = "From: Alice <a@b.example>\r\n"
            + "To: Jane Doe <jane.doe@mail.example.org>\r\n"
            + "Subject: A benchmark message with a few dot-stuffed lines\r\n"
            + "Date: Thu, 26 Nov 2026 05:00:00 +0000\r\n"
            + "Message-ID: <bench.1@b.example>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "\r\n";

    @Param({"4096", "102400"})
    public int size;

    private byte[] wire;
    private byte[] content;
    private SmtpFramer framer;
    private Pipeline berth;
    private Pipeline netty;

    /** Content and a clean end count; a spoilt message or a command-mode frame is recorded by the sink, fatal at tear-down. */
    private static long contentLength(Object frame) {
        if (frame instanceof SmtpFrame.Content c) {
            return c.bytes().length;
        }
        if (frame instanceof SmtpFrame.ContentEnd e && e.problem() == null) {
            return 1;
        }
        throw new IllegalStateException("unexpected frame " + frame);
    }

    @Setup
    public void setUp() {
        buildMessage();
        framer = new SmtpFramer(512, 1000);
        berth = new Pipeline(framer, SmtpDataBench::contentLength);
        netty = new Pipeline(new LineBasedFrameDecoder(1000, false, false), m -> ((ByteBuf) m).readableBytes());

        framer.startData();
        List<Object> frames = berth.feedAndCapture(wire);
        Check.that(frames.get(frames.size() - 1) instanceof SmtpFrame.ContentEnd, "DATA ends with CRLF.CRLF");
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        for (Object f : frames.subList(0, frames.size() - 1)) {
            decoded.writeBytes(((SmtpFrame.Content) f).bytes());
        }
        Check.that(Arrays.equals(content, decoded.toByteArray()), "the decoded message is the content with dot-stuffing undone");
        Check.equal(0, framer.buffered(), "octets left in the framer");

        long lineBytes = netty.feedAndCapture(wire).stream().mapToLong(b -> ((byte[]) b).length).sum();
        Check.equal((long) wire.length, lineBytes, "octets in the lines from LineBasedFrameDecoder");
    }

    /** Headers, then 70-odd-octet text lines, every eighth of them starting with a dot (so doubled on the wire). */
    private void buildMessage() {
        StringBuilder text = new StringBuilder(HEADER);
        StringBuilder onWire = new StringBuilder(HEADER);
        int stuffed = 0;
        for (int n = 0; ; n++) {
            String line = (n % 8 == 7 ? "." : "") + "Line " + n + " of the body: the quick brown fox jumps over the lazy dog.";
            String wireLine = (line.startsWith(".") ? "." : "") + line + "\r\n";
            if (onWire.length() + wireLine.length() + 3 > size) {
                break;
            }
            text.append(line).append("\r\n");
            onWire.append(wireLine);
            stuffed += line.startsWith(".") ? 1 : 0;
        }
        onWire.append(".\r\n");
        Check.that(stuffed > 0, "the message has dot-stuffed lines");
        content = text.toString().getBytes(StandardCharsets.US_ASCII);
        wire = onWire.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @TearDown
    public void tearDown() {
        berth.close();
        netty.close();
    }

    @Benchmark
    public long berthSmtpFramer() {
        framer.startData();
        return berth.feed(wire);
    }

    @Benchmark
    public long anchorNettyLineBased() {
        return netty.feed(wire);
    }
}
