package dev.berth.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SaslExchangeTest {
    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void plainTakesAnInitialResponseOrAsksWithAnEmptyChallenge() {
        assertEquals(new SaslExchange.Credentials("alice", "pw"), SaslExchange.start("plain").begin(b64("\0alice\0pw")));
        assertEquals(new SaslExchange.Credentials("alice", "pw"), SaslExchange.start("PLAIN").begin(b64("alice\0alice\0pw")));
        SaslExchange e = SaslExchange.start("PLAIN");
        assertEquals(new SaslExchange.Challenge(""), e.begin(null));
        assertEquals(new SaslExchange.Credentials("jösé", "pässwörd"), e.respond(b64("\0jösé\0pässwörd")));
    }

    @Test
    void loginAsksForTheUserThenThePassword() {
        SaslExchange e = SaslExchange.start("LOGIN");
        assertEquals(new SaslExchange.Challenge("VXNlcm5hbWU6"), e.begin(null));
        assertEquals(new SaslExchange.Challenge("UGFzc3dvcmQ6"), e.respond(b64("alice")));
        assertEquals(new SaslExchange.Credentials("alice", "pw"), e.respond(b64("pw")));
    }

    @Test
    void cancelBadBase64AndActingForSomeoneElseEndTheExchange() {
        assertEquals(new SaslExchange.Failure(SaslExchange.Reason.CANCELED), SaslExchange.start("PLAIN").respond("*"));
        assertEquals(new SaslExchange.Failure(SaslExchange.Reason.NOT_BASE64), SaslExchange.start("PLAIN").respond("!!"));
        assertEquals(new SaslExchange.Failure(SaslExchange.Reason.MALFORMED),
                SaslExchange.start("PLAIN").respond(b64("admin\0alice\0pw")));
        assertEquals(new SaslExchange.Failure(SaslExchange.Reason.MALFORMED), SaslExchange.start("PLAIN").respond(b64("alice")));
        assertNull(SaslExchange.start("CRAM-MD5"));
    }
}
