package dev.berth.bench.jmh;

import dev.berth.smtp.internal.SmtpFrame;
import dev.berth.smtp.internal.SmtpFramer;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The command lines of one SMTP transaction (EHLO, MAIL, three RCPT, DATA, QUIT) arriving in one read,
 * cut into lines by Berth's {@link SmtpFramer} (strict CRLF, bare CR/LF and length checks, a copy per
 * line) and, as the anchor, by Netty's {@link LineBasedFrameDecoder} on the same bytes.
 */
public class SmtpCommandLinesBench extends MicroBench {
    private static final String[] LINES = {
        "EHLO client.example.org",
        "MAIL FROM:<a@b.example> SIZE=1000 BODY=8BITMIME",
        "RCPT TO:<jane.doe@mail.example.org>",
        "RCPT TO:<john.roe@mail.example.org>",
        "RCPT TO:<postmaster@example.net>",
        "DATA",
        "QUIT",
    };

    private final byte[] wire = (String.join("\r\n", LINES) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    private Pipeline berth;
    private Pipeline netty;

    /** Anything but a command line (a BadLine) means the framer refused the input. */
    private static long commandLength(Object frame) {
        if (frame instanceof SmtpFrame.CommandLine c) {
            return c.bytes().length;
        }
        throw new IllegalStateException("unexpected frame " + frame);
    }

    @Setup
    public void setUp() {
        berth = new Pipeline(new SmtpFramer(512, 1000), SmtpCommandLinesBench::commandLength);
        netty = new Pipeline(new LineBasedFrameDecoder(512, true, false), m -> ((ByteBuf) m).readableBytes());

        List<Object> frames = berth.feedAndCapture(wire);
        Check.equal(LINES.length, frames.size(), "command lines framed by SmtpFramer");
        for (int i = 0; i < LINES.length; i++) {
            Check.equal(LINES[i], new String(((SmtpFrame.CommandLine) frames.get(i)).bytes(), StandardCharsets.US_ASCII),
                    "command line " + i);
        }
        frames = netty.feedAndCapture(wire);
        Check.equal(LINES.length, frames.size(), "lines framed by LineBasedFrameDecoder");
        Check.equal(LINES[1], new String((byte[]) frames.get(1), StandardCharsets.US_ASCII), "second line");
    }

    @TearDown
    public void tearDown() {
        berth.close();
        netty.close();
    }

    @Benchmark
    public long berthSmtpFramer() {
        return berth.feed(wire);
    }

    @Benchmark
    public long anchorNettyLineBased() {
        return netty.feed(wire);
    }
}
