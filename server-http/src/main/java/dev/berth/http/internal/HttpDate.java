package dev.berth.http.internal;

import dev.berth.core.spi.CoarseClock;
import io.netty.handler.codec.DateFormatter;
import io.netty.util.AsciiString;
import java.util.Date;

/**
 * The {@code Date} header value, formatted once per second rather than once per response, from
 * {@link CoarseClock} (a field's load, not a system call per response; at most a tick behind).
 */
final class HttpDate {
    private static volatile Stamp stamp = new Stamp(-1, AsciiString.EMPTY_STRING);

    private HttpDate() {
    }

    /** The current time in the IMF-fixdate form of RFC 9110, e.g. {@code Thu, 26 Nov 2026 03:20:46 GMT}. */
    static AsciiString now() {
        long second = CoarseClock.currentTimeMillis() / 1000;
        Stamp s = stamp;
        if (s.second != second) {
            s = new Stamp(second, new AsciiString(DateFormatter.format(new Date(second * 1000))));
            stamp = s;
        }
        return s.text;
    }

    private static final class Stamp {
        final long second;
        /** ASCII bytes, which the encoder copies as they are instead of converting characters. */
        final AsciiString text;

        Stamp(long second, AsciiString text) {
            this.second = second;
            this.text = text;
        }
    }
}
