package dev.berth.smtp.internal;

import dev.berth.smtp.SmtpReply;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses the argument of MAIL and RCPT per RFC 5321 4.1.2: {@code FROM:<path> params} with dot-string
 * or quoted local parts, domains or address literals, an ignored source route, the null path
 * {@code <>}, and {@code <Postmaster>}; UTF-8 is admitted here and refused later unless SMTPUTF8 was given.
 * A refused path comes as {@link SmtpRefusal}: {@code 501 5.5.4} for a command that is not
 * {@code FROM:<...>} or {@code TO:<...>} at all, {@code 501 5.1.7} (sender) or {@code 501 5.1.3}
 * (recipient) for a bad address or parameter list.
 */
public final class PathParser {
    // Compiled once: these run for every MAIL and RCPT command.
    private static final Pattern SPACES = Pattern.compile(" +");
    private static final Pattern KEYWORD = Pattern.compile("[A-Z0-9][A-Z0-9-]*");
    private static final Pattern VALUE = Pattern.compile("[\\x21-\\x3c\\x3e-\\x7e]+");
    private static final Pattern ADDRESS_LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|IPv6:[0-9A-Fa-f:.]+");

    /** A parsed path and its parameters (upper-case keywords; a keyword without value maps to ""). */
    public record Parsed(String address, Map<String, String> parameters) {
        /** True when the address holds a non-ASCII character. */
        public boolean nonAscii() {
            return address.chars().anyMatch(c -> c > 127);
        }

        /** The domain after the last {@code @}, or "" for the null path and Postmaster. */
        public String domain() {
            int at = address.lastIndexOf('@');
            return at < 0 ? "" : address.substring(at + 1);
        }
    }

    private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

    private final String s;
    private final boolean reverse;
    private int i;

    private PathParser(String s, boolean reverse) {
        this.s = s;
        this.reverse = reverse;
    }

    /** Parses {@code FROM:<...> params} (the text after the verb); an empty path means {@code <>}. */
    public static Parsed parseMailFrom(String argument) throws SmtpRefusal {
        return new PathParser(argument, true).parse("FROM:");
    }

    /** Parses {@code TO:<...> params}; the null path is refused. */
    public static Parsed parseRcptTo(String argument) throws SmtpRefusal {
        return new PathParser(argument, false).parse("TO:");
    }

    /** The refusal of a bad address (or of what follows it). */
    private SmtpRefusal bad(String why) {
        return new SmtpRefusal(reverse ? SmtpReply.of(501, "5.1.7", "Bad sender address: " + why)
                : SmtpReply.of(501, "5.1.3", "Bad recipient address: " + why));
    }

    private Parsed parse(String prefix) throws SmtpRefusal {
        if (!s.regionMatches(true, 0, prefix, 0, prefix.length())) {
            throw new SmtpRefusal(SmtpReply.of(501, "5.5.4",
                    "Syntax: " + (reverse ? "MAIL FROM:<address>" : "RCPT TO:<address>")));
        }
        i = prefix.length();
        while (i < s.length() && s.charAt(i) == ' ') {
            i++; // not in the grammar, but common and harmless
        }
        expect('<', "the address must be in angle brackets");
        String address;
        if (peek() == '>') {
            if (!reverse) {
                throw bad("the null path <> is not a recipient");
            }
            address = "";
        } else {
            if (peek() == '@') {
                skipSourceRoute();
            }
            int start = i;
            localPart();
            if (peek() == '>' && !reverse && s.substring(start, i).equalsIgnoreCase("postmaster")) {
                address = s.substring(start, i);
            } else {
                expect('@', "the address needs a domain after @");
                domain();
                address = s.substring(start, i);
            }
        }
        expect('>', "the address must end with >");
        if (address.length() > 254) {
            throw bad("the address is longer than 254 octets");
        }
        return new Parsed(address, parameters());
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private void expect(char c, String why) throws SmtpRefusal {
        if (peek() != c) {
            throw bad(why);
        }
        i++;
    }

    private void skipSourceRoute() throws SmtpRefusal {
        int colon = s.indexOf(':', i);
        int close = s.indexOf('>', i);
        if (colon < 0 || (close >= 0 && close < colon)) {
            throw bad("a source route must end with ':'");
        }
        i = colon + 1;
    }

    private void localPart() throws SmtpRefusal {
        int start = i;
        if (peek() == '"') {
            i++;
            while (true) {
                char c = peek();
                if (i >= s.length()) {
                    throw bad("the quoted local part is not closed");
                }
                if (c == '"') {
                    i++;
                    break;
                }
                if (c == '\\') {
                    i++;
                    char q = peek();
                    if (i >= s.length() || q < 32 || q == 127) {
                        throw bad("bad quoted pair in the local part");
                    }
                } else if (c < 32 || c == 127) {
                    throw bad("control character in the local part");
                }
                i++;
            }
        } else {
            atom();
            while (peek() == '.') {
                i++;
                atom();
            }
        }
        if (i - start > 64) {
            throw bad("the local part is longer than 64 octets");
        }
    }

    private void atom() throws SmtpRefusal {
        int start = i;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isLetterOrDigit(c) && c < 128 || ATEXT_SPECIALS.indexOf(c) >= 0 || c > 127) {
                i++;
            } else {
                break;
            }
        }
        if (i == start) {
            throw bad("bad local part");
        }
    }

    private void domain() throws SmtpRefusal {
        if (peek() == '[') {
            int close = s.indexOf(']', i);
            if (close < 0 || close == i + 1) {
                throw bad("bad address literal");
            }
            String literal = s.substring(i + 1, close);
            if (!ADDRESS_LITERAL.matcher(literal).matches()) {
                throw bad("bad address literal [" + literal + "]");
            }
            i = close + 1;
            return;
        }
        int start = i;
        subDomain();
        while (peek() == '.') {
            i++;
            subDomain();
        }
        if (i - start > 253) {
            throw bad("the domain is longer than 253 octets");
        }
    }

    private void subDomain() throws SmtpRefusal {
        int start = i;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isLetterOrDigit(c) || c == '-') {
                i++;
            } else {
                break;
            }
        }
        if (i == start || s.charAt(start) == '-' || s.charAt(i - 1) == '-') {
            throw bad("bad domain");
        }
    }

    private Map<String, String> parameters() throws SmtpRefusal {
        Map<String, String> out = new LinkedHashMap<>();
        String rest = s.substring(i);
        if (rest.isEmpty()) {
            return out;
        }
        if (rest.charAt(0) != ' ') {
            throw bad("unexpected text after the address");
        }
        for (String p : SPACES.split(rest.trim())) {
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String key = (eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT);
            String value = eq < 0 ? "" : p.substring(eq + 1);
            if (!KEYWORD.matcher(key).matches() || (eq >= 0 && !VALUE.matcher(value).matches())) {
                throw bad("bad parameter " + p);
            }
            if (out.put(key, value) != null) {
                throw bad("parameter " + key + " given twice");
            }
        }
        return out;
    }
}
