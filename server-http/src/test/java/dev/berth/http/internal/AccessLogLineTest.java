package dev.berth.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The access log's line: the Combined Log Format fields, escaped, with a timestamp right to the second. */
class AccessLogLineTest {
    private static final String CLIENT = AccessLog.client(new InetSocketAddress("192.0.2.7", 40000));
    private static final long AT = Instant.parse("2026-12-03T12:00:05.250Z").toEpochMilli();

    private static String clf(long epochMillis) {
        return DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT)
                .format(ZonedDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneId.systemDefault()));
    }

    @Test
    void aRequestGivesEveryFieldOfTheCombinedFormatThenProtocolTimeAndOutcome() {
        var request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/a.txt?x=1");
        assertEquals("192.0.2.7 - - [" + clf(AT) + "] \"GET /a.txt?x=1 HTTP/1.1\" 200 12 \"https://e.example/\" "
                        + "\"curl/7.88.1\" HTTP/2.0 3ms complete",
                AccessLog.line(CLIENT, request, 200, 12, "https://e.example/", "curl/7.88.1", "HTTP/2.0", 3_400_000,
                        true, AT));
    }

    @Test
    void quotesAndBackslashesFromTheClientAreEscapedSoNoFieldCanBeForged() {
        var request = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/a\"b\\c");
        assertEquals("192.0.2.7 - - [" + clf(AT) + "] \"GET /a\\\"b\\\\c HTTP/1.0\" 404 0 \"-\" "
                        + "\"x\\\" 200 1 \\\"-\" HTTP/1.0 0ms aborted",
                AccessLog.line(CLIENT, request, 404, 0, null, "x\" 200 1 \"-", "HTTP/1.0", 10, false, AT));
    }

    @Test
    void controlCharactersAreWrittenAsHexSoNoLineCanBeForged() {
        var request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/a");
        String line = AccessLog.line(CLIENT, request, 200, 1, "r\u001b[31m", "x\r\n10.0.0.1 - - [x] \"GET /b\u007f",
                "HTTP/1.1", 0, true, AT);
        assertEquals("192.0.2.7 - - [" + clf(AT) + "] \"GET /a HTTP/1.1\" 200 1 \"r\\x1b[31m\" "
                + "\"x\\x0d\\x0a10.0.0.1 - - [x] \\\"GET /b\\x7f\" HTTP/1.1 0ms complete", line);
    }

    @Test
    void noRequestAndNoAddressAreDashes() {
        assertEquals("- - - [" + clf(AT) + "] \"-\" 400 0 \"-\" \"-\" HTTP/1.1 0ms complete",
                AccessLog.line(AccessLog.client(null), null, 400, 0, null, null, "HTTP/1.1", 0, true, AT));
    }

    @Test
    void theCachedTimestampMovesWithEverySecondAndBackAgain() {
        for (long t : new long[] {AT, AT + 749, AT + 750, AT + 1_000, AT - 86_400_000L, AT + 999, AT}) {
            assertEquals(clf(t), AccessLog.timestamp(t), "at " + Instant.ofEpochMilli(t));
        }
        assertNotEquals(AccessLog.timestamp(AT), AccessLog.timestamp(AT + 750));
    }
}
