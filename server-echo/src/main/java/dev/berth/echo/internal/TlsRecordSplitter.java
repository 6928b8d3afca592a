package dev.berth.echo.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Hands the TLS handler behind it one TLS record at a time and flushes the channel between two
 * records of the same read, so that the echo of one record is encrypted before the next is decrypted.
 *
 * <p>Why: a TLS 1.3 client may end its side with close_notify and still read (RFC 8446 6.1), and
 * socat does so at the end of its input, often in the same TCP segment as its last data. Netty's
 * OpenSSL engine (netty-tcnative) decrypts every record of a read in one {@code unwrap}, and on the
 * close_notify closes its outbound side too ({@code closeAll}), so the echo of the data before it
 * could no longer be encrypted. Record by record, with a flush between, the echo goes out first and
 * the close follows it. The JDK's engine keeps its outbound side open, where this changes nothing.
 *
 * <p>Put in front of the TLS handler, or of the TLS sniffer on an OPTIONAL listener: it removes
 * itself when a connection's first byte is not a TLS handshake record (a plaintext client).
 */
public final class TlsRecordSplitter extends ByteToMessageDecoder {
    /** The pipeline name it is added under, just before core's TLS handler or sniffer. */
    public static final String NAME = "echo.tls-records";

    private static final int HEADER = 5;
    private static final short HANDSHAKE = 22;

    private boolean checked;
    private boolean recordOutInThisRead;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!checked) {
            checked = true;
            if (in.getUnsignedByte(in.readerIndex()) != HANDSHAKE) {
                ctx.pipeline().remove(this); // hands what it holds on, untouched
                return;
            }
        }
        if (in.readableBytes() < HEADER) {
            return;
        }
        int length = HEADER + in.getUnsignedShort(in.readerIndex() + 3);
        if (in.readableBytes() < length) {
            return;
        }
        if (recordOutInThisRead) {
            // The record before this one has been decrypted and answered: encrypt the answer now.
            ctx.channel().flush();
        }
        recordOutInThisRead = true;
        out.add(in.readRetainedSlice(length));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        recordOutInThisRead = false;
        super.channelReadComplete(ctx);
    }
}
