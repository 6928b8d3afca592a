package dev.berth.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written Host check accepts exactly what the grammar of RFC 9110 (as a regular expression) accepts. */
class SyntaxTest {
    /** uri-host [ ":" port ]: an IP-literal of hex digits, colons and dots in brackets, or a reg-name. */
    private static final Pattern HOST = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(:[0-9]*)?");

    @Test
    void theHostCheckAgreesWithTheGrammarOnKnownAndRandomValues() {
        List<String> values = new ArrayList<>(List.of("", "x", "example.com", "example.com:8080", "127.0.0.1:1",
                "[::1]", "[::1]:443", "[::1]x", "[]", "[", "[::1", "::1", "a:b", "a:", ":", ":80", "[fe80::1%25eth0]",
                "h\u00e9", "a b", "a/b", "a@b", "[::g]", "[1.2.3.4]:", "x:1:2", "%41", "(!)", "a\tb"));
        // random strings over the characters that matter, bounded in number and length
        String alphabet = "a9[]:.%-_~ /@\u00e9F";
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            for (int n = random.nextInt(8); n > 0; n--) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            values.add(s.toString());
        }
        for (String v : values) {
            assertEquals(HOST.matcher(v).matches(), Syntax.isHost(v), "Host: '" + v + "'");
        }
    }
}
