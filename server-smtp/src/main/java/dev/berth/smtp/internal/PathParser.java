package dev.berth.smtp.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses the argument of MAIL and RCPT per RFC 5321 4.1.2: {@code FROM:<path> params} with dot-string
 * or quoted local parts, domains or address literals, an ignored source route, the null path
 * {@code <>}, and {@code <Postmaster>}; UTF-8 is admitted here and refused later unless SMTPUTF8 was given.
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

    /** Why a path was refused, in words for the reply. */
    public static final class PathException extends Exception {
        PathException(String message) {
            super(message, null, false, false);
        }
    }

    private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

    private final String s;
    private int i;

    private PathParser(String s) {
        this.s = s;
    }

    /** Parses {@code FROM:<...> params} (the text after the verb); an empty path means {@code <>}. */
    public static Parsed parseMailFrom(String argument) throws PathException {
        return new PathParser(argument).parse("FROM:", true);
    }

    /** Parses {@code TO:<...> params}; the null path is refused. */
    public static Parsed parseRcptTo(String argument) throws PathException {
        return new PathParser(argument).parse("TO:", false);
    }

    private Parsed parse(String prefix, boolean reverse) throws PathException {
        if (!s.regionMatches(true, 0, prefix, 0, prefix.length())) {
            throw new PathException("Syntax: " + (reverse ? "MAIL FROM:<address>" : "RCPT TO:<address>"));
        }
        i = prefix.length();
        while (i < s.length() && s.charAt(i) == ' ') {
            i++; // not in the grammar, but common and harmless
        }
        expect('<', "the address must be in angle brackets");
        String address;
        if (peek() == '>') {
            if (!reverse) {
                throw new PathException("the null path <> is not a recipient");
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
            throw new PathException("the address is longer than 254 octets");
        }
        return new Parsed(address, parameters());
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private void expect(char c, String why) throws PathException {
        if (peek() != c) {
            throw new PathException(why);
        }
        i++;
    }

    private void skipSourceRoute() throws PathException {
        int colon = s.indexOf(':', i);
        int close = s.indexOf('>', i);
        if (colon < 0 || (close >= 0 && close < colon)) {
            throw new PathException("a source route must end with ':'");
        }
        i = colon + 1;
    }

    private void localPart() throws PathException {
        int start = i;
        if (peek() == '"') {
            i++;
            while (true) {
                char c = peek();
                if (i >= s.length()) {
                    throw new PathException("the quoted local part is not closed");
                }
                if (c == '"') {
                    i++;
                    break;
                }
                if (c == '\\') {
                    i++;
                    char q = peek();
                    if (i >= s.length() || q < 32 || q == 127) {
                        throw new PathException("bad quoted pair in the local part");
                    }
                } else if (c < 32 || c == 127) {
                    throw new PathException("control character in the local part");
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
            throw new PathException("the local part is longer than 64 octets");
        }
    }

    private void atom() throws PathException {
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
            throw new PathException("bad local part");
        }
    }

    private void domain() throws PathException {
        if (peek() == '[') {
            int close = s.indexOf(']', i);
            if (close < 0 || close == i + 1) {
                throw new PathException("bad address literal");
            }
            String literal = s.substring(i + 1, close);
            if (!ADDRESS_LITERAL.matcher(literal).matches()) {
                throw new PathException("bad address literal [" + literal + "]");
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
            throw new PathException("the domain is longer than 253 octets");
        }
    }

    private void subDomain() throws PathException {
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
            throw new PathException("bad domain");
        }
    }

    private Map<String, String> parameters() throws PathException {
        Map<String, String> out = new LinkedHashMap<>();
        String rest = s.substring(i);
        if (rest.isEmpty()) {
            return out;
        }
        if (rest.charAt(0) != ' ') {
            throw new PathException("unexpected text after the address");
        }
        for (String p : SPACES.split(rest.trim())) {
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String key = (eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT);
            String value = eq < 0 ? "" : p.substring(eq + 1);
            if (!KEYWORD.matcher(key).matches() || (eq >= 0 && !VALUE.matcher(value).matches())) {
                throw new PathException("bad parameter " + p);
            }
            if (out.put(key, value) != null) {
                throw new PathException("parameter " + key + " given twice");
            }
        }
        return out;
    }
}
