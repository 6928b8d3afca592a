package dev.berth.http.internal;

import dev.berth.http.HttpRequest;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.Date;
import java.util.Locale;

/** Conditional requests (RFC 9110 section 13), single byte ranges (section 14) and Accept-Encoding. */
final class Conditionals {
    /** The marker {@link #byteRange} returns for a range that no byte of the file satisfies. */
    static final long[] UNSATISFIABLE = new long[0];

    private Conditionals() {
    }

    /** If-None-Match wins over If-Modified-Since; true means answer 304. */
    static boolean notModified(HttpRequest r, String etag, long modifiedMillis) {
        String inm = r.headers().get(HttpHeaderNames.IF_NONE_MATCH);
        if (inm != null) {
            for (String t : inm.split(",")) {
                String tag = t.trim();
                if (tag.startsWith("W/")) {
                    tag = tag.substring(2);
                }
                if (tag.equals("*") || tag.equals(etag)) {
                    return true;
                }
            }
            return false;
        }
        String ims = r.headers().get(HttpHeaderNames.IF_MODIFIED_SINCE);
        if (ims != null) {
            Date since = DateFormatter.parseHttpDate(ims);
            return since != null && modifiedMillis / 1000 <= since.getTime() / 1000;
        }
        return false;
    }

    /** If-Range: a range is honoured only when the validator still matches (strong ETag or exact date). */
    static boolean ifRangeHolds(HttpRequest r, String etag, long modifiedMillis) {
        String v = r.headers().get(HttpHeaderNames.IF_RANGE);
        if (v == null) {
            return true;
        }
        if (v.startsWith("\"")) {
            return v.equals(etag);
        }
        Date d = DateFormatter.parseHttpDate(v);
        return d != null && d.getTime() / 1000 == modifiedMillis / 1000;
    }

    /**
     * The first and last byte of a single {@code bytes=} range; null when the header is to be ignored
     * (not bytes, several ranges, bad syntax), {@link #UNSATISFIABLE} when no byte is in range.
     */
    static long[] byteRange(String header, long size) {
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        String spec = h.substring(6).trim();
        if (spec.indexOf(',') >= 0) {
            return null;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String first = spec.substring(0, dash).trim();
        String last = spec.substring(dash + 1).trim();
        if (!digits(first) && !first.isEmpty() || !digits(last) && !last.isEmpty() || first.isEmpty() && last.isEmpty()) {
            return null;
        }
        if (first.isEmpty()) {
            long n = Long.parseLong(last);
            if (n == 0 || size == 0) {
                return UNSATISFIABLE;
            }
            return new long[] {Math.max(0, size - n), size - 1};
        }
        long a = Long.parseLong(first);
        long b = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
        if (!last.isEmpty() && Long.parseLong(last) < a) {
            return null;
        }
        if (a >= size) {
            return UNSATISFIABLE;
        }
        return new long[] {a, b};
    }

    private static boolean digits(String s) {
        return !s.isEmpty() && s.length() <= 18 && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** True when Accept-Encoding lists {@code coding} (or *) without q=0 (RFC 9110 section 12.5.3). */
    static boolean accepts(String acceptEncoding, String coding) {
        if (acceptEncoding == null) {
            return false;
        }
        boolean star = false;
        for (String part : acceptEncoding.split(",")) {
            String[] p = part.trim().split(";");
            String c = p[0].trim();
            boolean exact = c.equalsIgnoreCase(coding);
            if (!exact && !c.equals("*")) {
                continue;
            }
            boolean refused = false;
            for (int i = 1; i < p.length; i++) {
                String q = p[i].trim().toLowerCase(Locale.ROOT);
                if (q.startsWith("q=") && isZero(q.substring(2).trim())) {
                    refused = true;
                }
            }
            if (exact) {
                return !refused; // the coding's own entry wins over *
            }
            star = !refused;
        }
        return star;
    }

    /** A qvalue of zero: 0, 0., 0.0, 0.00 or 0.000. */
    private static boolean isZero(String q) {
        if (q.isEmpty() || q.charAt(0) != '0' || q.length() > 5) {
            return false;
        }
        if (q.length() == 1) {
            return true;
        }
        if (q.charAt(1) != '.') {
            return false;
        }
        for (int i = 2; i < q.length(); i++) {
            if (q.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
