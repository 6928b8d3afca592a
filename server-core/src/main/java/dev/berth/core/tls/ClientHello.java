package dev.berth.core.tls;

import io.netty.buffer.ByteBuf;
import java.util.Set;

/**
 * What a listener with both an RSA and an ECDSA chain needs from a client's ClientHello: whether the
 * client can verify an ECDSA certificate. Read before any context is chosen, so it works the same on
 * the OpenSSL and the JDK TLS libraries.
 *
 * <p>Why Berth reads it itself rather than giving one {@code SslContext} a key manager that holds both
 * keys: measured with Netty 4.2.18 and netty-tcnative-boringssl-static, one context built with
 * {@code SslContextBuilder.forServer(keyManagerFactory)} over a key store holding both keys, and
 * {@code openssl s_client -tls1_2|-tls1_3 -sigalgs LIST} (OpenSSL 3.0) as the client:
 * <pre>
 * s_client -sigalgs            version  JDK SunX509  JDK NewSunX509  OpenSSL SunX509  OpenSSL NewSunX509
 * ECDSA+SHA256                 1.2, 1.3 ECDSA        ECDSA           ECDSA            ECDSA
 * RSA-PSS+SHA256               1.2, 1.3 RSA          refused (40)    refused (40)     refused (80)
 * RSA-PSS+SHA256:RSA+SHA256    1.2, 1.3 RSA          refused (40)    refused (40)     refused (80)
 * RSA-PSS+SHA256:ECDSA+SHA256  1.3      RSA          RSA             ECDSA            ECDSA
 * </pre>
 * Which key the store lists first changes nothing. The JDK's default key manager (SunX509) chooses by
 * the client's signature algorithms; NewSunX509 also wants the chain's own PKCS#1 RSA signatures to be
 * among them, hence its refusals. On OpenSSL, Netty's key material manager settles on the ECDSA key,
 * and a client that accepts only RSA gets a handshake_failure alert (40; internal_error, 80, with
 * NewSunX509). So one key manager is not enough on OpenSSL, and this parser stays:
 * {@code OneKeyManagerTest} repeats the measurement on every build and fails when Netty learns to
 * choose, which is the signal to remove it.
 */
public final class ClientHello {
    /** No ClientHello seen (or not parsable): the default chain is served. */
    public static final ClientHello UNKNOWN = new ClientHello(false, false);

    private static final int SIGNATURE_ALGORITHMS = 13;
    private static final int SUPPORTED_VERSIONS = 43;
    private static final int ALPN = 16;
    /** RFC 8737's ALPN protocol: an ACME server validating a TLS-ALPN-01 challenge. */
    private static final byte[] ACME_TLS_1 = "acme-tls/1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int TLS13 = 0x0304;
    /** ECDHE_ECDSA suites of TLS 1.2 and earlier: AES-CBC, AES-GCM, ChaCha20. */
    private static final Set<Integer> ECDSA_SUITES = Set.of(0xC009, 0xC00A, 0xC023, 0xC024, 0xC02B, 0xC02C, 0xCCA9);

    private final boolean acceptsEcdsa;
    private final boolean offersAcmeTls;

    private ClientHello(boolean acceptsEcdsa, boolean offersAcmeTls) {
        this.acceptsEcdsa = acceptsEcdsa;
        this.offersAcmeTls = offersAcmeTls;
    }

    /** True when the client's ALPN list names {@code acme-tls/1}: an ACME server checking a TLS-ALPN-01 challenge (RFC 8737). */
    public boolean offersAcmeTls() {
        return offersAcmeTls;
    }

    /** True when the client both offers an ECDSA signature scheme and can use it (TLS 1.3, or an ECDSA suite). */
    public boolean acceptsEcdsa() {
        return acceptsEcdsa;
    }

    /**
     * Reads a ClientHello body (from {@code client_version} on, as Netty's SNI handler hands it over)
     * without moving the buffer's indexes; {@link #UNKNOWN} for null or a body too short to read.
     */
    public static ClientHello parse(ByteBuf hello) {
        if (hello == null) {
            return UNKNOWN;
        }
        // A slice ends at the writer index: a length that runs past the ClientHello's bytes throws
        // (and the answer is UNKNOWN) instead of reading the rest of the record or stale pooled memory.
        hello = hello.slice();
        try {
            int end = hello.writerIndex();
            int p = hello.readerIndex() + 2 + 32; // client_version, random
            p += 1 + hello.getUnsignedByte(p); // session_id
            int suitesEnd = p + 2 + hello.getUnsignedShort(p);
            boolean ecdsaSuite = false;
            for (int s = p + 2; s + 1 < suitesEnd; s += 2) {
                ecdsaSuite |= ECDSA_SUITES.contains(hello.getUnsignedShort(s));
            }
            p = suitesEnd;
            p += 1 + hello.getUnsignedByte(p); // compression_methods
            if (p + 2 > end) {
                return new ClientHello(ecdsaSuite, false);
            }
            int extensionsEnd = Math.min(end, p + 2 + hello.getUnsignedShort(p));
            p += 2;
            boolean ecdsaScheme = false;
            boolean sawSchemes = false;
            boolean tls13 = false;
            boolean acmeTls = false;
            while (p + 4 <= extensionsEnd) {
                int type = hello.getUnsignedShort(p);
                int length = hello.getUnsignedShort(p + 2);
                int data = p + 4;
                if (type == SIGNATURE_ALGORITHMS) {
                    sawSchemes = true;
                    int listEnd = data + 2 + hello.getUnsignedShort(data);
                    for (int s = data + 2; s + 1 < listEnd; s += 2) {
                        // ecdsa_sha1 (0x0203) and ecdsa_secp256r1_sha256 .. secp521r1_sha512 (0x0403, 0x0503, 0x0603)
                        ecdsaScheme |= hello.getUnsignedByte(s + 1) == 0x03 && hello.getUnsignedByte(s) <= 0x06;
                    }
                } else if (type == ALPN) {
                    int listEnd = Math.min(data + length, data + 2 + hello.getUnsignedShort(data));
                    for (int a = data + 2; a < listEnd; a += 1 + hello.getUnsignedByte(a)) {
                        acmeTls |= nameIs(hello, a, listEnd, ACME_TLS_1);
                    }
                } else if (type == SUPPORTED_VERSIONS) {
                    int listEnd = data + 1 + hello.getUnsignedByte(data);
                    for (int v = data + 1; v + 1 < listEnd; v += 2) {
                        tls13 |= hello.getUnsignedShort(v) == TLS13;
                    }
                }
                p = data + length;
            }
            // Without the extension, TLS 1.2 lets the suite decide (RFC 5246, 7.4.1.4.1).
            boolean scheme = sawSchemes ? ecdsaScheme : ecdsaSuite;
            return new ClientHello(scheme && (tls13 || ecdsaSuite), acmeTls);
        } catch (IndexOutOfBoundsException e) {
            return UNKNOWN;
        }
    }

    /** True when the length-prefixed name at {@code at} (ending before {@code end}) is {@code name}. */
    private static boolean nameIs(ByteBuf hello, int at, int end, byte[] name) {
        int length = hello.getUnsignedByte(at);
        if (length != name.length || at + 1 + length > end) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (hello.getByte(at + 1 + i) != name[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return (acceptsEcdsa ? "ClientHello[ecdsa" : "ClientHello[rsa") + (offersAcmeTls ? ", acme-tls/1]" : "]");
    }
}
