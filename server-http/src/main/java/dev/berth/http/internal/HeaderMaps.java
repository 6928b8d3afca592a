package dev.berth.http.internal;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Header maps sized for what an HTTP message usually carries: Netty's default has 16 hash buckets,
 * allocated and zeroed for every request and response, where a response has a handful of fields.
 */
public final class HeaderMaps {
    private static final DefaultHttpHeadersFactory CHECKED = DefaultHttpHeadersFactory.headersFactory();
    private static final DefaultHttpHeadersFactory UNCHECKED = CHECKED.withValidation(false);

    private HeaderMaps() {
    }

    /** Headers a handler fills: every name and value is checked as it is set, as Netty's default does. */
    public static HttpHeaders checked() {
        return new Sized(CHECKED, 4);
    }

    /** Headers whose fields were checked before they were put here (a parsed request, a copy of checked headers). */
    static HttpHeaders unchecked(int expectedFields) {
        return new Sized(UNCHECKED, expectedFields);
    }

    /** Netty's headers with a chosen number of hash buckets (the constructor that takes it is protected). */
    private static final class Sized extends DefaultHttpHeaders {
        Sized(DefaultHttpHeadersFactory validation, int buckets) {
            super(validation.getNameValidator(), validation.getValueValidator(), buckets);
        }
    }
}
