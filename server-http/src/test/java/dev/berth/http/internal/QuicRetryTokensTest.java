package dev.berth.http.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Retry tokens: accepted from the address they were minted for, within their validity, untouched; nothing else. */
class QuicRetryTokensTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.7", 50000);
    private static final byte[] ODCID = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final QuicRetryTokens tokens = new QuicRetryTokens(now::get);

    private ByteBuf mint() {
        ByteBuf out = Unpooled.buffer();
        assertTrue(tokens.writeToken(out, Unpooled.wrappedBuffer(ODCID), CLIENT));
        assertTrue(out.readableBytes() <= tokens.maxTokenLength());
        return out;
    }

    @Test
    void aTokenComesBackValidFromItsAddressAndPointsAtTheOriginalConnectionId() {
        ByteBuf token = mint();
        now.addAndGet(2_000);
        int offset = tokens.validateToken(token, new InetSocketAddress("192.0.2.7", 50001));
        assertTrue(offset > 0, "valid from the same IP, even from another port");
        byte[] odcid = new byte[token.readableBytes() - offset];
        token.getBytes(offset, odcid);
        assertArrayEquals(ODCID, odcid);
    }

    @Test
    void aTokenFromAnotherAddressIsRefused() {
        assertEquals(-1, tokens.validateToken(mint(), new InetSocketAddress("192.0.2.8", 50000)));
    }

    @Test
    void anExpiredTokenIsRefused() {
        ByteBuf token = mint();
        now.addAndGet(QuicRetryTokens.VALIDITY.toMillis() + 1);
        assertEquals(-1, tokens.validateToken(token, CLIENT));
    }

    @Test
    void aTokenWithAnyByteChangedIsRefused() {
        ByteBuf token = mint();
        for (int i = 0; i < token.readableBytes(); i++) {
            ByteBuf copy = token.copy();
            copy.setByte(i, copy.getByte(i) ^ 1);
            assertEquals(-1, tokens.validateToken(copy, CLIENT), "byte " + i + " changed");
        }
    }

    @Test
    void anotherListenersKeyDoesNotAcceptTheToken() {
        assertEquals(-1, new QuicRetryTokens(now::get).validateToken(mint(), CLIENT));
    }

    @Test
    void garbageOfAnyLengthIsRefused() {
        for (int n = 0; n < 80; n++) {
            assertEquals(-1, tokens.validateToken(Unpooled.wrappedBuffer(new byte[n]), CLIENT), n + " zero bytes");
        }
    }
}
