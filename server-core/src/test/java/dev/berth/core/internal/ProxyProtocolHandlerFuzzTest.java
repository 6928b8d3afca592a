package dev.berth.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.berth.core.Cidr;
import dev.berth.core.ListenerConfig;
import dev.berth.core.ProxyProtocol;
import dev.berth.core.ProxyProtocolConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Core's PROXY protocol handler on arbitrary first bytes and on valid v1 and v2 headers (with TLVs) followed by
 * arbitrary bytes, in modes ON and AUTO, from trusted and untrusted peers, cut into pieces where the fuzzer
 * says: either the connection is closed, or what the protocol sees is exactly the bytes after the header
 * (all of them when no header was consumed); nothing invented, nothing lost, no exception escapes.
 */
class ProxyProtocolHandlerFuzzTest {
    private static final ListenerConfig LISTENER = ListenerConfig.tcp("fuzz").protocol("echo").build();

    @FuzzTest
    void arbitraryFirstBytesArePassedOnWhole_AfterAHeader_OrTheConnectionCloses(byte[] input) {
        if (input.length < 2) {
            return;
        }
        int flags = input[0] & 0xff;
        byte[] sent = Arrays.copyOfRange(input, 2, input.length);
        Outcome o = run(flags, input[1] & 0xff, sent);
        if (o.closed) {
            assertEquals(0, o.passed.length, "bytes reached the protocol on a connection that was closed");
            return;
        }
        // what the protocol saw is a suffix of what was sent: a header (or nothing) taken off the front
        int header = sent.length - o.passed.length;
        assertTrue(header >= 0, "more bytes passed on than were sent");
        assertArrayEquals(Arrays.copyOfRange(sent, header, sent.length), o.passed, "bytes changed on the way");
        if (header > 0 && !trusted(flags)) {
            // nothing from an untrusted peer is taken off, unless it is still too short to tell from a header
            assertEquals(sent.length, header, "bytes of an untrusted peer were consumed as a header");
            assertTrue(isSignaturePrefix(sent), "an untrusted peer's bytes held back though they are no header");
        }
    }

    @FuzzTest
    void aValidHeaderIsConsumedAndTheRestPassedOnByteExact(FuzzedDataProvider data) {
        int flags = data.consumeInt(0, 3);
        int piece = data.consumeInt(0, 64);
        boolean v2 = data.consumeBoolean();
        boolean ipv6 = data.consumeBoolean();
        HAProxyProxiedProtocol family = ipv6 ? HAProxyProxiedProtocol.TCP6 : HAProxyProxiedProtocol.TCP4;
        String source = ipv6 ? "2001:db8::" + Integer.toHexString(data.consumeInt(0, 0xffff))
                : "192.0.2." + data.consumeInt(0, 255);
        // v1 allows ports 0..65535, but Netty's v1 decoder refuses 0 ("expected: 1 ~ 65535"): no proxy sends
        // source port 0, so that departure of the dependency is documented (docs/fuzzing.md), not tested
        int sourcePort = data.consumeInt(v2 ? 0 : 1, 65535);
        List<HAProxyTLV> tlvs = new ArrayList<>();
        List<Integer> tlvTypes = new ArrayList<>();
        List<byte[]> tlvValues = new ArrayList<>();
        if (v2) {
            for (int i = data.consumeInt(0, 3); i > 0; i--) {
                int type = data.consumeInt(0xe0, 0xef); // the custom range: Netty decodes them as they are
                byte[] value = data.consumeBytes(data.consumeInt(0, 40));
                tlvTypes.add(type);
                tlvValues.add(value);
                tlvs.add(new HAProxyTLV((byte) type, Unpooled.wrappedBuffer(value)));
            }
        }
        HAProxyMessage message = new HAProxyMessage(v2 ? HAProxyProtocolVersion.V2 : HAProxyProtocolVersion.V1,
                HAProxyCommand.PROXY, family, source, ipv6 ? "2001:db8::1" : "192.0.2.254", sourcePort, 25, tlvs);
        EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        encoder.writeOutbound(message);
        ByteBuf encoded = encoder.readOutbound();
        byte[] header = new byte[encoded.readableBytes()];
        encoded.readBytes(header);
        encoded.release();
        encoder.finishAndReleaseAll();
        byte[] rest = data.consumeRemainingAsBytes();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        sent.writeBytes(header);
        sent.writeBytes(rest);

        Outcome o = run(flags, piece, sent.toByteArray());
        if (!trusted(flags)) {
            assertTrue(o.closed, "a PROXY header from an untrusted peer was not refused");
            assertEquals(0, o.passed.length);
            return;
        }
        assertFalse(o.closed, "a valid header from a trusted peer closed the connection");
        assertArrayEquals(rest, o.passed, "the bytes after a valid header are not passed on exactly");
        assertTrue(o.context.proxied(), "the header was not recorded");
        assertEquals(new InetSocketAddress(source, sourcePort), o.context.remoteAddress());
        // Netty's decoder wants 4 octets for a TLV, so a zero-length TLV at the very end is dropped (its 3 are not
        // enough): a limitation of the dependency, documented in docs/fuzzing.md, not of Berth's handler
        int expected = tlvs.size();
        if (expected > 0 && tlvValues.get(expected - 1).length == 0) {
            expected--;
        }
        assertEquals(expected, o.context.proxyTlvs().size(), "TLVs lost or invented");
        for (int i = 0; i < expected; i++) {
            assertEquals(tlvTypes.get(i), o.context.proxyTlvs().get(i).type(), "TLV type");
            assertArrayEquals(tlvValues.get(i), o.context.proxyTlvs().get(i).value(), "TLV value");
        }
    }

    private static boolean isSignaturePrefix(byte[] sent) {
        byte[] v1 = "PROXY ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] v2 = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
        return sent.length < v1.length && Arrays.equals(sent, 0, sent.length, v1, 0, sent.length)
                || sent.length < v2.length && Arrays.equals(sent, 0, sent.length, v2, 0, sent.length);
    }

    private static boolean trusted(int flags) {
        return (flags & 1) != 0;
    }

    /** What one connection came to. */
    private static final class Outcome {
        boolean closed;
        boolean active;
        byte[] passed;
        DefaultConnectionContext context;
    }

    /** Flags bit 0: peer trusted; bit 1: mode AUTO (else ON). Feeds {@code sent} in pieces of {@code piece} (0: whole). */
    private static Outcome run(int flags, int piece, byte[] sent) {
        ProxyProtocolConfig config = ProxyProtocolConfig.of((flags & 2) != 0 ? ProxyProtocol.AUTO : ProxyProtocol.ON,
                List.of(Cidr.parse(trusted(flags) ? "127.0.0.0/8" : "10.0.0.0/8")));
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        TcpPeerChannel ch = new TcpPeerChannel();
        ch.config().setAllocator(alloc);
        Outcome o = new Outcome();
        o.context = new DefaultConnectionContext(LISTENER, ch, null);
        ByteArrayOutputStream passed = new ByteArrayOutputStream();
        ch.pipeline().addLast("proxy", new ProxyProtocolHandler(config, o.context));
        ch.pipeline().addLast("protocol", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                o.active = true;
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                assertTrue(o.active, "bytes passed on before channelActive");
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                passed.writeBytes(bytes);
                b.release();
            }
        });
        ch.activate();
        for (int from = 0; from < sent.length && ch.isOpen(); ) {
            int n = piece == 0 ? sent.length - from : Math.min(piece, sent.length - from);
            ByteBuf buf = alloc.heapBuffer(n);
            buf.writeBytes(sent, from, n);
            from += n;
            ch.writeInbound(buf); // rethrows whatever reached the end of the pipeline
        }
        o.closed = !ch.isOpen();
        o.passed = passed.toByteArray();
        ch.finishAndReleaseAll();
        assertEquals(0, alloc.metric().usedHeapMemory(), "bytes still held after the connection ended");
        return o;
    }
}
