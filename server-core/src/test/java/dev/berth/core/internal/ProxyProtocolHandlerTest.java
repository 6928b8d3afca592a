package dev.berth.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProxyProtocolHandlerTest {

    private static int detect(byte[] bytes) {
        return ProxyProtocolHandler.detect(Unpooled.wrappedBuffer(bytes));
    }

    private static int detect(String text) {
        return detect(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aShortPlaintextCommandIsKnownNotToBeAHeaderAtOnce() {
        assertEquals(2, detect("QUIT\r\n"));
        assertEquals(2, detect("E"));
        assertEquals(2, detect("GET / HTTP/1.1\r\n"));
    }

    @Test
    void aPrefixOfEitherSignatureWaitsForMoreBytes() {
        assertEquals(0, detect("PROX"));
        assertEquals(0, detect(new byte[] {0x0D, 0x0A, 0x0D}));
    }

    @Test
    void bothSignaturesAreRecognised() {
        assertEquals(1, detect("PROXY TCP4 "));
        assertEquals(1, detect(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21}));
    }
}
