package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A response's headers refuse what would split the response, however they are set. */
class HttpResponseTest {
    @Test
    void aHeaderValueWithALineBreakIsRefusedWhenSet() {
        HttpResponse r = HttpResponse.text("x");
        assertThrows(IllegalArgumentException.class, () -> r.header("X-A", "a\r\nSet-Cookie: b"));
        assertThrows(IllegalArgumentException.class, () -> r.headers().add("X-A", "a\nb"));
        assertThrows(IllegalArgumentException.class, () -> HttpResponse.bytes(new byte[0], "text/plain\r\nX: y"));
        assertThrows(IllegalArgumentException.class, () -> r.header("X A", "b"));
    }

    @Test
    void theFactoriesSetTheirContentTypes() {
        assertEquals("text/plain; charset=utf-8", HttpResponse.text("x").headers().get("content-type"));
        assertEquals("text/html; charset=utf-8", HttpResponse.html("x").headers().get("Content-Type"));
        assertEquals("application/json", HttpResponse.json("{}").headers().get("Content-Type"));
        assertEquals("image/png", HttpResponse.bytes(new byte[1], "image/png").headers().get("Content-Type"));
    }
}
