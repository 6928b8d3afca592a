package dev.berth.http.internal;

import java.util.Set;

/** The character classes of RFC 9110 that parsing needs: tokens, optional whitespace, chunk extensions. */
final class Syntax {
    /** The methods RFC 9110 and RFC 5789 define; any other, unless a route names it, gets 501. */
    private static final Set<String> STANDARD_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

    /** tchar by character code, looked up once per character of every method and field name. */
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            TCHAR[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }

    /** The characters of a reg-name in a Host header, besides letters and digits. */
    private static final String REG_NAME_OTHERS = "._~!$&'()*+,;=%-";

    /**
     * Fields a sender must not put in a trailer section (RFC 9110 section 6.5.1): framing, routing,
     * request modifiers and content metadata. An intermediary that merges trailers into the header
     * section would let them change how the message is framed, routed or authorised.
     */
    private static final Set<String> FORBIDDEN_TRAILERS = Set.of("content-length", "transfer-encoding", "host",
            "trailer", "te", "expect", "range", "authorization", "proxy-authorization", "cookie", "content-type",
            "content-encoding", "content-range", "cache-control", "max-forwards", "connection", "upgrade");

    private Syntax() {
    }

    static boolean isStandardMethod(String method) {
        return STANDARD_METHODS.contains(method);
    }

    /**
     * Host = uri-host [ ":" port ], uri-host an IP-literal ({@code [hex digits, colons, dots]}) or a reg-name
     * (IPv4 is a reg-name too); may be empty. Scanned by hand: it runs for every request.
     */
    static boolean isHost(String value) {
        int n = value.length();
        int i = 0;
        if (n > 0 && value.charAt(0) == '[') {
            int close = value.indexOf(']');
            if (close < 2) {
                return false;
            }
            for (i = 1; i < close; i++) {
                char c = value.charAt(i);
                if (!(isHexDigit(c) || c == ':' || c == '.')) {
                    return false;
                }
            }
            i = close + 1;
        } else {
            while (i < n && isRegNameChar(value.charAt(i))) {
                i++;
            }
        }
        if (i == n) {
            return true;
        }
        if (value.charAt(i) != ':') {
            return false;
        }
        for (i++; i < n; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isHexDigit(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    private static boolean isRegNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || REG_NAME_OTHERS.indexOf(c) >= 0;
    }

    static boolean isForbiddenTrailer(String lowerCaseName) {
        return FORBIDDEN_TRAILERS.contains(lowerCaseName);
    }

    /** tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA */
    static boolean isTokenChar(char c) {
        return c < 128 && TCHAR[c];
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static String trimOws(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }

    /** Chunk extensions are ignored, but must hold no control characters (bare CR and LF included). */
    static boolean isChunkExtension(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\t' && (c < 0x20 || c == 0x7F)) {
                return false;
            }
        }
        return true;
    }
}
