package dev.berth.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.quic.QuicTokenHandler;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * QUIC address validation with Retry (RFC 9000 section 8.1.2): an Initial packet without a token is answered
 * with a Retry packet carrying a token, and no connection state; only an Initial that brings a valid token back
 * gets a connection. A token is {@code time (8 bytes) | HMAC-SHA256(key, client address | time | original
 * destination connection id) (32 bytes) | original destination connection id}, so a spoofed source, which never
 * sees the Retry, cannot draw more than one small Retry packet per packet it sends.
 *
 * <p>The key is random and lives as long as the listener; tokens are valid for {@link #VALIDITY}, enough for a
 * round trip, and bind the client's IP address (not its port: a NAT may move that between the two packets).
 */
final class QuicRetryTokens implements QuicTokenHandler {
    /** How long a Retry token is accepted after it was minted. */
    static final Duration VALIDITY = Duration.ofSeconds(10);
    private static final int TIME = Long.BYTES;
    private static final int MAC = 32;
    /** QUIC's longest connection id (RFC 9000 section 17.2). */
    private static final int MAX_CONNECTION_ID = 20;

    private final SecretKeySpec key;
    private final LongSupplier clockMillis;

    QuicRetryTokens() {
        this(System::currentTimeMillis);
    }

    QuicRetryTokens(LongSupplier clockMillis) {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
        this.clockMillis = clockMillis;
    }

    @Override
    public boolean writeToken(ByteBuf out, ByteBuf dcid, InetSocketAddress address) {
        long now = clockMillis.getAsLong();
        out.writeLong(now);
        out.writeBytes(mac(address, now, dcid, dcid.readerIndex(), dcid.readableBytes()));
        out.writeBytes(dcid, dcid.readerIndex(), dcid.readableBytes());
        return true;
    }

    /** The offset of the original destination connection id within {@code token}, or -1 for a token not ours. */
    @Override
    public int validateToken(ByteBuf token, InetSocketAddress address) {
        int start = token.readerIndex();
        int idLength = token.readableBytes() - TIME - MAC;
        if (idLength < 0 || idLength > MAX_CONNECTION_ID) {
            return -1;
        }
        long minted = token.getLong(start);
        long age = clockMillis.getAsLong() - minted;
        if (age < 0 || age > VALIDITY.toMillis()) {
            return -1;
        }
        byte[] given = new byte[MAC];
        token.getBytes(start + TIME, given);
        byte[] expected = mac(address, minted, token, start + TIME + MAC, idLength);
        return MessageDigest.isEqual(given, expected) ? TIME + MAC : -1;
    }

    @Override
    public int maxTokenLength() {
        return TIME + MAC + MAX_CONNECTION_ID;
    }

    private byte[] mac(InetSocketAddress address, long time, ByteBuf id, int idIndex, int idLength) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(address.getAddress().getAddress());
            for (int i = 7; i >= 0; i--) {
                mac.update((byte) (time >>> (8 * i)));
            }
            byte[] cid = new byte[idLength];
            id.getBytes(idIndex, cid);
            mac.update(cid);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
