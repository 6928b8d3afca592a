package dev.berth.bench.jmh;

import dev.berth.smtp.MailTransaction;
import dev.berth.smtp.internal.MailParameters;
import dev.berth.smtp.internal.PathParser;
import dev.berth.smtp.internal.SmtpCommand;
import java.nio.charset.StandardCharsets;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One SMTP command line (CRLF already cut off) taken apart the way the session does it: the verb and
 * argument ({@link SmtpCommand}), the path and parameters ({@link PathParser}) and, for MAIL, the
 * parameter checks ({@link MailParameters}).
 */
public class SmtpCommandBench extends MicroBench {
    private static final long MAX_MESSAGE = 25L * 1024 * 1024;

    private final byte[] mail = ascii("MAIL FROM:<a@b.example> SIZE=1000 BODY=8BITMIME");
    private final byte[] rcpt = ascii("RCPT TO:<jane.doe+lists@mail.example.org>");
    private final byte[] ehlo = ascii("EHLO client.example.org");

    @Setup
    public void check() throws Exception {
        SmtpCommand m = SmtpCommand.parse(mail);
        Check.equal("MAIL", m.verb, "MAIL verb");
        PathParser.Parsed from = PathParser.parseMailFrom(m.argument);
        Check.equal("a@b.example", from.address(), "MAIL path");
        MailParameters p = MailParameters.parse(from.parameters(), MAX_MESSAGE);
        Check.equal(1000L, p.size.orElse(-1), "MAIL SIZE");
        Check.equal(MailTransaction.BodyType.EIGHT_BIT_MIME, p.body, "MAIL BODY");

        SmtpCommand r = SmtpCommand.parse(rcpt);
        Check.equal("RCPT", r.verb, "RCPT verb");
        PathParser.Parsed to = PathParser.parseRcptTo(r.argument);
        Check.equal("jane.doe+lists@mail.example.org", to.address(), "RCPT path");
        Check.that(to.parameters().isEmpty(), "RCPT has no parameters");

        SmtpCommand e = SmtpCommand.parse(ehlo);
        Check.equal("EHLO", e.verb, "EHLO verb");
        Check.equal("client.example.org", e.argument, "EHLO argument");
    }

    @Benchmark
    public void mailFrom(Blackhole bh) throws Exception {
        SmtpCommand c = SmtpCommand.parse(mail);
        PathParser.Parsed p = PathParser.parseMailFrom(c.argument);
        bh.consume(c.verb);
        bh.consume(p.address());
        bh.consume(MailParameters.parse(p.parameters(), MAX_MESSAGE));
    }

    @Benchmark
    public void rcptTo(Blackhole bh) throws Exception {
        SmtpCommand c = SmtpCommand.parse(rcpt);
        bh.consume(c.verb);
        bh.consume(PathParser.parseRcptTo(c.argument));
    }

    @Benchmark
    public void ehlo(Blackhole bh) throws Exception {
        SmtpCommand c = SmtpCommand.parse(ehlo);
        bh.consume(c.verb);
        bh.consume(c.argument);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
