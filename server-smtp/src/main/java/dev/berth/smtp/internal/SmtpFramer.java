package dev.berth.smtp.internal;

import dev.berth.smtp.internal.SmtpFrame.BadLine;
import dev.berth.smtp.internal.SmtpFrame.CommandLine;
import dev.berth.smtp.internal.SmtpFrame.Content;
import dev.berth.smtp.internal.SmtpFrame.ContentEnd;
import dev.berth.smtp.internal.SmtpFrame.LineProblem;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Cuts the inbound bytes into {@link SmtpFrame}s with strict CRLF line discipline, one frame at a
 * time and only while the session wants input ({@link #suspend()}/{@link #resume()}), so that a mode
 * switch (DATA, BDAT, STARTTLS) takes effect before the next byte is looked at.
 *
 * <p>Only CRLF ends a line. A command line with a bare CR or LF becomes {@link BadLine}. In DATA,
 * lines are cut at LF; a line with a bare CR or LF spoils the message, and only a {@code .} line that
 * follows a CRLF and itself ends in CRLF ends it, so no smuggling sequence (LF.LF, CR.CR, LF.CRLF,
 * CRLF.LF, ...) ends a message early. A BDAT chunk is passed on by count, unexamined.
 */
public final class SmtpFramer extends ChannelInboundHandlerAdapter {
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private enum Mode { COMMAND, DATA, CHUNK }

    private final int maxCommandLine;
    private final int maxTextLine;
    private ChannelHandlerContext ctx;
    private ByteBuf buffer;
    private Mode mode = Mode.COMMAND;
    private boolean suspended;
    private boolean decoding;
    private boolean removed;
    /** Discarding the rest of an over-long line. */
    private boolean skippingLine;
    /** The last octet dropped while skipping was a CR: an LF at the start of the next read makes a CRLF. */
    private boolean skippedCr;
    /** The over-long line just skipped ended with CRLF. */
    private boolean skippedLineEndedCrlf;
    /** DATA: the previous line ended with CRLF (true at the start), so a "." line may end the message. */
    private boolean atCleanLineStart;
    private LineProblem dataProblem;
    private long chunkLeft;

    public SmtpFramer(int maxCommandLine, int maxTextLine) {
        this.maxCommandLine = maxCommandLine;
        this.maxTextLine = maxTextLine;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.buffer = ctx.alloc().buffer(1024);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // Whatever was buffered was sent before a switch (STARTTLS) or a close: it is dropped, never replayed.
        removed = true;
        buffer.release();
    }

    /** Message content follows (after a 354): lines until CRLF.CRLF. */
    public void startData() {
        mode = Mode.DATA;
        atCleanLineStart = true;
        dataProblem = null;
        skippingLine = false;
    }

    /** A BDAT chunk of {@code size} octets follows at once. */
    public void startChunk(long size) {
        mode = Mode.CHUNK;
        chunkLeft = size;
    }

    /** Stops handing out frames until {@link #resume()}; bytes already read stay buffered. */
    public void suspend() {
        suspended = true;
    }

    /** Hands out buffered frames again; call on the event loop. */
    public void resume() {
        suspended = false;
        if (removed) {
            return;
        }
        drain();
    }

    /** Octets buffered but not yet handed out. */
    public int buffered() {
        return buffer.readableBytes();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf in = (ByteBuf) msg;
        try {
            if (buffer.readerIndex() > 0 && buffer.writableBytes() < in.readableBytes()) {
                buffer.discardReadBytes();
            }
            buffer.writeBytes(in);
        } finally {
            in.release();
        }
        drain();
    }

    private void drain() {
        if (decoding) {
            return; // re-entered from a handler that resumed us while we were handing out a frame
        }
        decoding = true;
        try {
            while (!removed && !suspended && ctx.channel().isActive() && (buffer.isReadable() || mode == Mode.CHUNK && chunkLeft == 0)) {
                Object frame = next();
                if (frame == null) {
                    break;
                }
                ctx.fireChannelRead(frame);
            }
        } finally {
            decoding = false;
        }
    }

    /** The next frame from the buffer, or null when more bytes are needed. */
    Object next() {
        switch (mode) {
            case CHUNK:
                return nextChunkPiece();
            case DATA:
                return nextDataFrame();
            default:
                return nextCommand();
        }
    }

    private Object nextCommand() {
        int start = buffer.readerIndex();
        int lf = buffer.indexOf(start, buffer.writerIndex(), LF);
        if (skippingLine) {
            return skippedToLineEnd(lf) ? new BadLine(LineProblem.TOO_LONG) : null;
        }
        if (lf < 0) {
            skipIfLongerThan(maxCommandLine);
            return null;
        }
        int length = lf + 1 - start;
        buffer.readerIndex(lf + 1);
        if (length > maxCommandLine) {
            return new BadLine(LineProblem.TOO_LONG);
        }
        if (lf == start || buffer.getByte(lf - 1) != CR || buffer.indexOf(start, lf - 1, CR) >= 0) {
            return new BadLine(LineProblem.BARE_CR_OR_LF);
        }
        return new CommandLine(bytes(start, length - 2));
    }

    private Object nextDataFrame() {
        while (buffer.isReadable()) {
            int start = buffer.readerIndex();
            int lf = buffer.indexOf(start, buffer.writerIndex(), LF);
            if (skippingLine) {
                if (!skippedToLineEnd(lf)) {
                    return null;
                }
                // A "." line may end the message only if the long line really ended with CRLF.
                atCleanLineStart = skippedLineEndedCrlf;
                continue;
            }
            if (lf < 0) {
                if (skipIfLongerThan(maxTextLine)) {
                    spoil(LineProblem.TOO_LONG);
                }
                return null;
            }
            int length = lf + 1 - start;
            buffer.readerIndex(lf + 1);
            boolean crlf = lf > start && buffer.getByte(lf - 1) == CR;
            boolean bareCr = buffer.indexOf(start, crlf ? lf - 1 : lf, CR) >= 0;
            boolean wasClean = atCleanLineStart;
            atCleanLineStart = crlf && !bareCr;
            if (wasClean && length == 3 && buffer.getByte(start) == '.' && crlf) {
                mode = Mode.COMMAND;
                return new ContentEnd(dataProblem);
            }
            if (!crlf || bareCr) {
                spoil(LineProblem.BARE_CR_OR_LF);
            } else if (length > maxTextLine) {
                spoil(LineProblem.TOO_LONG);
            }
            if (dataProblem != null) {
                continue; // a spoilt message is read to its end but not passed on
            }
            boolean stuffed = wasClean && buffer.getByte(start) == '.';
            int from = stuffed ? start + 1 : start;
            return new Content(bytes(from, lf + 1 - from));
        }
        return null;
    }

    /** Skipping an over-long line: drops its bytes; true once its LF (at {@code lf}, or -1 if not yet read) is passed. */
    private boolean skippedToLineEnd(int lf) {
        if (lf < 0) {
            dropReadable();
            return false;
        }
        skippedLineEndedCrlf = lf > buffer.readerIndex() ? buffer.getByte(lf - 1) == CR : skippedCr;
        buffer.readerIndex(lf + 1);
        skippingLine = false;
        return true;
    }

    /** A partial line already at {@code limit} octets will not fit: drop it as it comes, without buffering it. */
    private boolean skipIfLongerThan(int limit) {
        if (buffer.readableBytes() < limit) {
            return false;
        }
        skippingLine = true;
        dropReadable();
        return true;
    }

    private void dropReadable() {
        if (buffer.isReadable()) {
            skippedCr = buffer.getByte(buffer.writerIndex() - 1) == CR;
            buffer.skipBytes(buffer.readableBytes());
        }
    }

    private void spoil(LineProblem problem) {
        if (dataProblem == null) {
            dataProblem = problem;
        }
    }

    private Object nextChunkPiece() {
        if (chunkLeft == 0) {
            mode = Mode.COMMAND;
            return new ContentEnd(null);
        }
        int n = (int) Math.min(chunkLeft, buffer.readableBytes());
        if (n == 0) {
            return null;
        }
        chunkLeft -= n;
        Content c = new Content(bytes(buffer.readerIndex(), n));
        buffer.skipBytes(n);
        return c;
    }

    /** A copy, so that no frame shares memory with the buffer that {@code discardReadBytes} moves. */
    private byte[] bytes(int from, int length) {
        byte[] b = new byte[length];
        buffer.getBytes(from, b);
        return b;
    }
}
