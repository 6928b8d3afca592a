package dev.berth.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.berth.smtp.SmtpReply;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The command parser on arbitrary lines, as the session calls it: {@link SmtpCommand}, then for MAIL and RCPT
 * {@link PathParser} and {@link MailParameters}, for AUTH {@link SaslExchange} with the following lines as the
 * client's responses. A line is accepted or refused with one of the documented replies; nothing else escapes.
 *
 * <p>Input layout: lines separated by CRLF; the first is the command, the others AUTH responses.
 */
class SmtpCommandFuzzTest {
    private static final long MAX_MESSAGE_SIZE = 10L * 1024 * 1024;
    private static final Set<Integer> REFUSAL_CODES = Set.of(500, 501, 552, 555);
    private static final Pattern KEYWORD = Pattern.compile("[A-Z0-9][A-Z0-9-]*");

    @FuzzTest
    void aCommandLineIsParsedOrRefusedWithADocumentedReply(byte[] input) {
        String[] lines = new String(input, StandardCharsets.ISO_8859_1).split("\r\n", -1);
        SmtpCommand command;
        try {
            command = SmtpCommand.parse(lines[0].getBytes(StandardCharsets.ISO_8859_1));
        } catch (SmtpRefusal r) {
            refusedWith(r, "5.5.2");
            return;
        }
        assertEquals(command.verb.toUpperCase(Locale.ROOT), command.verb);
        assertFalse(command.verb.contains(" "));
        try {
            switch (command.verb) {
                case "MAIL":
                    mailFrom(command.argument);
                    break;
                case "RCPT":
                    rcptTo(command.argument);
                    break;
                case "AUTH":
                    auth(command.argument, lines);
                    break;
                default:
                    break;
            }
        } catch (SmtpRefusal r) {
            refusedWith(r, null);
        }
    }

    private static void mailFrom(String argument) throws SmtpRefusal {
        PathParser.Parsed p = PathParser.parseMailFrom(argument);
        addressIsSound(p, true);
        MailParameters m = MailParameters.parse(p.parameters(), MAX_MESSAGE_SIZE);
        assertTrue(m.size.isEmpty() || m.size.getAsLong() <= MAX_MESSAGE_SIZE, "a SIZE over the limit was accepted");
        assertTrue(m.body != null);
    }

    private static void rcptTo(String argument) throws SmtpRefusal {
        PathParser.Parsed p = PathParser.parseRcptTo(argument);
        assertFalse(p.address().isEmpty(), "the null path accepted as a recipient");
        addressIsSound(p, false);
    }

    private static void addressIsSound(PathParser.Parsed p, boolean reverse) {
        String a = p.address();
        assertTrue(a.length() <= 254, "an address over 254 octets");
        assertTrue(a.isEmpty() || a.indexOf('@') > 0 || !reverse && a.equalsIgnoreCase("postmaster"),
                "an address without a domain: " + a);
        // a quoted local part may hold anything printable, angle brackets included; the rest may not
        String unquoted = a.startsWith("\"") ? a.substring(a.lastIndexOf('"') + 1) : a;
        assertFalse(unquoted.contains("<") || unquoted.contains(">"), "angle brackets inside the address " + a);
        p.domain();
        p.nonAscii();
        for (Map.Entry<String, String> e : p.parameters().entrySet()) {
            assertTrue(KEYWORD.matcher(e.getKey()).matches(), "parameter keyword " + e.getKey());
            assertFalse(e.getValue().contains(" ") || e.getValue().contains("="), "parameter value " + e.getValue());
        }
    }

    /** AUTH as AuthCommand starts it: mechanism and optional initial response, then one step per client line. */
    private static void auth(String argument, String[] lines) {
        String[] parts = argument.trim().split(" +");
        SaslExchange exchange = SaslExchange.start(parts[0]);
        if (parts.length > 2 || exchange == null) {
            return;
        }
        SaslExchange.Step step = exchange.begin(parts.length == 2 ? parts[1] : null);
        for (int i = 1; step instanceof SaslExchange.Challenge; i++) {
            if (i >= lines.length) {
                return;
            }
            step = exchange.respond(lines[i]);
        }
        assertTrue(step instanceof SaslExchange.Credentials || step instanceof SaslExchange.Failure, "step " + step);
        if (step instanceof SaslExchange.Credentials) {
            SaslExchange.Credentials c = (SaslExchange.Credentials) step;
            assertTrue(c.user() != null && c.password() != null);
            if (parts[0].equalsIgnoreCase("PLAIN")) {
                assertFalse(c.user().contains("\0") || c.password().contains("\0"), "a NUL left inside PLAIN credentials");
            }
        }
    }

    private static void refusedWith(SmtpRefusal r, String enhanced) {
        SmtpReply reply = r.reply();
        assertTrue(REFUSAL_CODES.contains(reply.code()), "undocumented refusal " + r.getMessage());
        if (enhanced != null) {
            assertEquals(enhanced, reply.enhancedCode());
        }
        for (String line : reply.lines()) {
            assertFalse(line.contains("\r") || line.contains("\n"), "a reply line with CR or LF");
        }
    }
}
