package dev.berth.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PathParserTest {

    @Test
    void aPlainAddressWithParametersIsParsed() throws Exception {
        PathParser.Parsed p = PathParser.parseMailFrom("FROM:<alice@example.org> SIZE=1000 BODY=8BITMIME");
        assertEquals("alice@example.org", p.address());
        assertEquals(Map.of("SIZE", "1000", "BODY", "8BITMIME"), p.parameters());
        assertEquals("example.org", p.domain());
    }

    @Test
    void theNullReversePathIsASenderButNotARecipient() throws Exception {
        assertEquals("", PathParser.parseMailFrom("FROM:<>").address());
        assertEquals("501 5.1.3 Bad recipient address: the null path <> is not a recipient\r\n",
                assertThrows(SmtpRefusal.class, () -> PathParser.parseRcptTo("TO:<>")).reply().wireFormat());
    }

    @Test
    void quotedLocalPartsKeepTheirQuotes() throws Exception {
        assertEquals("\"john doe\\\"x\"@example.com", PathParser.parseRcptTo("TO:<\"john doe\\\"x\"@example.com>").address());
    }

    @Test
    void postmasterWithoutDomainIsARecipient() throws Exception {
        assertEquals("Postmaster", PathParser.parseRcptTo("TO:<Postmaster>").address());
    }

    @Test
    void aSourceRouteIsIgnoredAndAnAddressLiteralAccepted() throws Exception {
        assertEquals("bob@[192.0.2.1]", PathParser.parseRcptTo("TO:<@relay.example,@b.example:bob@[192.0.2.1]>").address());
        assertEquals("bob@[IPv6:2001:db8::1]", PathParser.parseRcptTo("to:<bob@[IPv6:2001:db8::1]>").address());
    }

    @Test
    void utf8AddressesParseAndAreFlaggedNonAscii() throws Exception {
        PathParser.Parsed p = PathParser.parseRcptTo("TO:<用户@例子.广告>");
        assertTrue(p.nonAscii());
        assertEquals("例子.广告", p.domain());
    }

    @Test
    void malformedPathsAreRefused() {
        for (String bad : new String[] {"FROM:alice@example.org", "FROM:<alice@example.org", "FROM:<alice>",
                "FROM:<a..b@example.org>", "FROM:<alice@-bad.example>", "FROM:<alice@example.org>SIZE=1",
                "FROM:<alice@example.org> SIZE=1 SIZE=2", "TO:<x@example.org>", "FROM:<\"open@example.org>",
                "FROM:<" + "l".repeat(65) + "@example.org>"}) {
            SmtpRefusal refusal = assertThrows(SmtpRefusal.class, () -> PathParser.parseMailFrom(bad), bad);
            assertEquals(bad.startsWith("FROM:") ? "5.1.7" : "5.5.4", refusal.reply().enhancedCode(), bad);
        }
    }

    @Test
    void aCommandWithoutFromOrToIsASyntaxErrorNotABadAddress() {
        assertEquals("501 5.5.4 Syntax: MAIL FROM:<address>\r\n",
                assertThrows(SmtpRefusal.class, () -> PathParser.parseMailFrom("TO:<a@example.org>")).reply().wireFormat());
        assertEquals("501 5.5.4 Syntax: RCPT TO:<address>\r\n",
                assertThrows(SmtpRefusal.class, () -> PathParser.parseRcptTo("FROM:<a@example.org>")).reply().wireFormat());
    }
}
