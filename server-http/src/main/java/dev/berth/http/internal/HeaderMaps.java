package dev.berth.http.internal;

import io.netty.handler.codec.DefaultHeaders;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * Header maps sized for what an HTTP message usually carries: Netty's default has 16 hash buckets,
 * allocated and zeroed for every request and response, where a response has a handful of fields.
 */
public final class HeaderMaps {
    private static final DefaultHttpHeadersFactory CHECKED = DefaultHttpHeadersFactory.headersFactory();
    private static final DefaultHttpHeadersFactory UNCHECKED = CHECKED.withValidation(false);

    /** Content types the server's own response factories set: checked once here, not on every response. */
    public static final AsciiString TEXT_UTF8 = checkedOnce("text/plain; charset=utf-8");
    public static final AsciiString HTML_UTF8 = checkedOnce("text/html; charset=utf-8");
    public static final AsciiString JSON = checkedOnce("application/json");

    /** Netty's value check, except for the constants above (by identity, so no other value escapes it). */
    private static final DefaultHeaders.ValueValidator<CharSequence> VALUES = value -> {
        if (value != TEXT_UTF8 && value != HTML_UTF8 && value != JSON) {
            CHECKED.getValueValidator().validate(value);
        }
    };

    private HeaderMaps() {
    }

    private static AsciiString checkedOnce(String value) {
        AsciiString v = AsciiString.cached(value);
        CHECKED.getValueValidator().validate(v);
        return v;
    }

    /** Headers a handler fills: every name and value is checked as it is set, as Netty's default does. */
    public static HttpHeaders checked() {
        return new Sized(CHECKED.getNameValidator(), VALUES, 4);
    }

    /** Headers whose fields were checked before they were put here (a parsed request, a copy of checked headers). */
    static HttpHeaders unchecked(int expectedFields) {
        return new Sized(UNCHECKED.getNameValidator(), UNCHECKED.getValueValidator(), expectedFields);
    }

    /** Netty's headers with a chosen number of hash buckets (the constructor that takes it is protected). */
    private static final class Sized extends DefaultHttpHeaders {
        Sized(DefaultHeaders.NameValidator<CharSequence> names, DefaultHeaders.ValueValidator<CharSequence> values,
              int buckets) {
            super(names, values, buckets);
        }
    }
}
