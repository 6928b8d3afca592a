package dev.berth.http.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A request target split into its raw path, decoded path segments and raw query. */
public final class RequestTarget {
    /** The segments of {@code /}: one empty segment. */
    private static final List<String> ROOT = List.of("");
    private final String rawPath;
    private final String rawQuery;
    private final List<String> segments;

    private RequestTarget(String rawPath, String rawQuery, List<String> segments) {
        this.rawPath = rawPath;
        this.rawQuery = rawQuery;
        this.segments = segments;
    }

    /**
     * Parses an origin-form ({@code /a/b?q}) or absolute-form ({@code http://h/a}) target. Returns null
     * when a segment cannot be percent-decoded to UTF-8 or decodes to a slash, backslash or NUL, since
     * such paths mean something different to different layers.
     */
    public static RequestTarget parse(String target) {
        String t = target;
        if (!t.startsWith("/")) {
            int scheme = t.indexOf("://");
            int slash = scheme < 0 ? -1 : t.indexOf('/', scheme + 3);
            int query = t.indexOf('?');
            t = slash < 0 || query >= 0 && query < slash ? "/" + (query >= 0 ? t.substring(query) : "") : t.substring(slash);
        }
        int hash = t.indexOf('#');
        if (hash >= 0) {
            t = t.substring(0, hash);
        }
        int q = t.indexOf('?');
        String path = q < 0 ? t : t.substring(0, q);
        String query = q < 0 ? "" : t.substring(q + 1);
        if (path.equals("/")) {
            return new RequestTarget(path, query, ROOT);
        }
        List<String> segments = new ArrayList<>(4);
        for (int from = 1; ; ) {
            int slash = path.indexOf('/', from);
            String d = decode(path.substring(from, slash < 0 ? path.length() : slash), false);
            if (d == null || d.indexOf('/') >= 0 || d.indexOf('\\') >= 0 || d.indexOf('\0') >= 0) {
                return null;
            }
            segments.add(d);
            if (slash < 0) {
                break;
            }
            from = slash + 1;
        }
        return new RequestTarget(path, query, Collections.unmodifiableList(segments));
    }

    public String rawPath() {
        return rawPath;
    }

    public String rawQuery() {
        return rawQuery;
    }

    /** The decoded segments; {@code /} is one empty segment and {@code /a/} is {@code a} and an empty one. */
    public List<String> segments() {
        return segments;
    }

    /** The query's parameters, decoded ({@code +} is a space), in order. */
    public Map<String, List<String>> queryParameters() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq), true);
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
            if (k != null && v != null) {
                out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
        }
        return out;
    }

    /** Percent-decodes as UTF-8; null for a malformed escape or invalid UTF-8. */
    static String decode(String s, boolean plusIsSpace) {
        if (s.indexOf('%') < 0 && !(plusIsSpace && s.indexOf('+') >= 0)) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else {
                out.write(c);
            }
        }
        byte[] bytes = out.toByteArray();
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }
}
