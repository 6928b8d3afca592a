package dev.berth.echo.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Hands the TLS handler behind it the records of a read in batches that end before any record that
 * may be a close_notify, and flushes the channel before passing such a record on, so that the echo
 * of the data before a close_notify is encrypted before the close_notify is decrypted.
 *
 * <p>Why: a TLS 1.3 client may end its side with close_notify and still read (RFC 8446 6.1), and
 * socat does so at the end of its input, often in the same TCP segment as its last data. Netty's
 * OpenSSL engine (netty-tcnative) decrypts every record of a read in one {@code unwrap}, and on the
 * close_notify closes its outbound side too ({@code closeAll}), so the echo of the data before it
 * could no longer be encrypted. The JDK's engine keeps its outbound side open, where this changes
 * nothing.
 *
 * <p>Which records may be a close_notify: in TLS 1.2 an alert shows its type (21) in the record
 * header; in TLS 1.3 every record says application data (23), and an encrypted alert is tiny (2
 * bytes, the inner type and a 16-byte tag: 19 bytes of payload, a little more if padded). So a
 * record of at most {@link #SMALL} bytes of payload, or of type 21, starts a new batch. Bulk data
 * comes in large records and passes in one batch per read: splitting every record, with a flush
 * each, cost about 40% of TLS echo throughput.
 *
 * <p>Put in front of the TLS handler, or of the TLS sniffer on an OPTIONAL listener: it removes
 * itself when a connection's first byte is not a TLS handshake record (a plaintext client).
 */
public final class TlsRecordSplitter extends ByteToMessageDecoder {
    /** The pipeline name it is added under, just before core's TLS handler or sniffer. */
    public static final String NAME = "echo.tls-records";
    /** The largest record payload that may be an encrypted TLS 1.3 alert (19 bytes unpadded). */
    static final int SMALL = 64;

    private static final int HEADER = 5;
    private static final short HANDSHAKE = 22;
    private static final short ALERT = 21;

    private boolean checked;
    private boolean flushFirst;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!checked) {
            checked = true;
            if (in.getUnsignedByte(in.readerIndex()) != HANDSHAKE) {
                ctx.pipeline().remove(this); // hands what it holds on, untouched
                return;
            }
        }
        int start = in.readerIndex();
        int end = in.writerIndex();
        int pos = start;
        while (end - pos >= HEADER) {
            int length = HEADER + in.getUnsignedShort(pos + 3);
            if (end - pos < length || (pos > start && mayBeAlert(in, pos, length))) {
                break;
            }
            pos += length;
        }
        if (pos == start) {
            return; // not one whole record yet
        }
        if (flushFirst) {
            // The batch before this one has been decrypted and answered: encrypt the answer now.
            ctx.channel().flush();
        }
        flushFirst = pos < end && end - pos >= HEADER && mayBeAlert(in, pos, HEADER + in.getUnsignedShort(pos + 3));
        out.add(in.readRetainedSlice(pos - start));
    }

    private static boolean mayBeAlert(ByteBuf in, int pos, int length) {
        return in.getUnsignedByte(pos) == ALERT || length - HEADER <= SMALL;
    }
}
