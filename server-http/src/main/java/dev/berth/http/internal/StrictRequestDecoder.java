package dev.berth.http.internal;

import dev.berth.core.spi.ReadPause;
import dev.berth.http.HttpLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ByteProcessor;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Decodes HTTP/1.x requests strictly (RFC 9112), refusing whatever could let two parties disagree
 * about where a request ends: bare CR or LF, obs-fold, both Content-Length and Transfer-Encoding,
 * duplicate or malformed Content-Length, a Transfer-Encoding that does not end in chunked, and bad
 * chunk sizes. A refused request becomes one {@link HttpDecodeFailure}; everything after it is
 * discarded, since its framing can no longer be trusted.
 *
 * <p>Emits a {@link DefaultHttpRequest}, then the body as {@link io.netty.handler.codec.http.HttpContent}
 * slices, then a {@link LastHttpContent} (also for requests without a body).
 */
public final class StrictRequestDecoder extends ByteToMessageDecoder {
    /** Trailer names and values are checked here, character by character, so the headers object need not check them again. */
    private static final DefaultHttpHeadersFactory TRAILERS = DefaultHttpHeadersFactory.trailersFactory()
            .withValidation(false);
    /**
     * Field names most requests carry, by length: found without a copy, and hashed once for good (Netty's
     * constants cache their hash). Host, Content-Length and Transfer-Encoding must stay among them.
     */
    private static final AsciiString[][] KNOWN_NAMES = byLength(HttpHeaderNames.HOST, HttpHeaderNames.CONTENT_LENGTH,
            HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.USER_AGENT, HttpHeaderNames.ACCEPT,
            HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderNames.ACCEPT_LANGUAGE, HttpHeaderNames.CONNECTION,
            HttpHeaderNames.COOKIE, HttpHeaderNames.REFERER, HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.AUTHORIZATION,
            HttpHeaderNames.CACHE_CONTROL, HttpHeaderNames.PRAGMA, HttpHeaderNames.UPGRADE, HttpHeaderNames.ORIGIN,
            HttpHeaderNames.IF_NONE_MATCH, HttpHeaderNames.IF_MODIFIED_SINCE, HttpHeaderNames.EXPECT,
            HttpHeaderNames.RANGE, HttpHeaderNames.TE);
    private static final int MAX_CHUNK_LINE = 1024;
    private static final int MAX_HEADER_FIELDS = 128;

    private enum State { HEAD, FIXED_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, FAILED }

    private final HttpLimits limits;
    private State state = State.HEAD;
    private long remaining;
    private long bodyRead;
    /** Where scanning of the current head (or trailer section) resumes, relative to the reader index. */
    private int scanned;
    private int lastLineStart;
    private int requestLineEnd = -1;
    private ScheduledFuture<?> headTimer;
    private ScheduledFuture<?> bodyTimer;
    /** System.nanoTime() when body bytes last arrived (or reading was last held off by the server). */
    private long lastBodyBytes;

    public StrictRequestDecoder(HttpLimits limits) {
        this.limits = limits;
    }

    /** A refusal: the status to answer and why. */
    private static final class Refusal extends Exception {
        final int status;

        Refusal(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            while (in.isReadable() && decodeOne(ctx, in, out)) {
                // each round consumed something or emitted a message
            }
        } catch (Refusal r) {
            fail(ctx, in, out, r.status, r.getMessage());
        }
        if (inBody()) {
            lastBodyBytes = System.nanoTime();
            startBodyTimer(ctx, limits.bodyTimeout().toNanos());
        } else {
            cancelBodyTimer();
        }
    }

    private boolean inBody() {
        return state != State.HEAD && state != State.FAILED;
    }

    private void startBodyTimer(ChannelHandlerContext ctx, long delayNanos) {
        if (bodyTimer != null) {
            return;
        }
        bodyTimer = ctx.executor().schedule(() -> {
            bodyTimer = null;
            if (!inBody() || !ctx.channel().isActive()) {
                return;
            }
            if (ReadPause.paused(ctx.channel())) {
                // the server is not reading (a slow handler, a full pipeline, backpressure): the client is not at fault
                lastBodyBytes = System.nanoTime();
            }
            long left = limits.bodyTimeout().toNanos() - (System.nanoTime() - lastBodyBytes);
            if (left > 0) {
                startBodyTimer(ctx, left);
                return;
            }
            state = State.FAILED;
            ctx.fireChannelRead(new HttpDecodeFailure(408, "no request body bytes for "
                    + limits.bodyTimeout().toMillis() + " ms"));
            ctx.fireChannelReadComplete();
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void cancelBodyTimer() {
        if (bodyTimer != null) {
            bodyTimer.cancel(false);
            bodyTimer = null;
        }
    }

    private boolean decodeOne(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Refusal {
        switch (state) {
            case HEAD:
                return head(ctx, in, out);
            case FIXED_BODY: {
                int n = (int) Math.min(in.readableBytes(), remaining);
                out.add(new DefaultHttpContent(in.readRetainedSlice(n)));
                remaining -= n;
                if (remaining == 0) {
                    out.add(LastHttpContent.EMPTY_LAST_CONTENT);
                    state = State.HEAD;
                }
                return true;
            }
            case CHUNK_SIZE:
                return chunkSize(in);
            case CHUNK_DATA: {
                int n = (int) Math.min(in.readableBytes(), remaining);
                out.add(new DefaultHttpContent(in.readRetainedSlice(n)));
                remaining -= n;
                if (remaining == 0) {
                    state = State.CHUNK_END;
                }
                return true;
            }
            case CHUNK_END:
                if (in.readableBytes() < 2) {
                    return false;
                }
                if (in.getByte(in.readerIndex()) != '\r' || in.getByte(in.readerIndex() + 1) != '\n') {
                    throw new Refusal(400, "chunk data not followed by CRLF");
                }
                in.skipBytes(2);
                state = State.CHUNK_SIZE;
                return true;
            case TRAILERS:
                return trailers(in, out);
            default:
                in.skipBytes(in.readableBytes());
                return false;
        }
    }

    private boolean head(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Refusal {
        if (scanned == 0) {
            // RFC 9112 section 2.2: ignore empty lines before a request line (some clients send a CRLF after a body).
            while (in.readableBytes() >= 2 && in.getByte(in.readerIndex()) == '\r' && in.getByte(in.readerIndex() + 1) == '\n') {
                in.skipBytes(2);
            }
            if (!in.isReadable() || (in.readableBytes() == 1 && in.getByte(in.readerIndex()) == '\r')) {
                return false;
            }
        }
        int end = scanHeaderBlock(in, true);
        if (end < 0) {
            // only a head that does not arrive whole in one read needs a timer: the common case schedules nothing
            startHeadTimer(ctx);
            return false;
        }
        cancelHeadTimer();
        String head = in.toString(in.readerIndex(), end, StandardCharsets.ISO_8859_1);
        in.skipBytes(end);
        scanned = 0;
        requestLineEnd = -1;
        parseRequest(head, out);
        return true;
    }

    /**
     * Scans from where the last call stopped for the empty line that ends a header block, checking line
     * endings and sizes on the way. Returns the block's length including the final CRLF, or -1 for more.
     */
    private int scanHeaderBlock(ByteBuf in, boolean withRequestLine) throws Refusal {
        int base = in.readerIndex();
        int readable = in.readableBytes();
        int lineStart = scanned == 0 ? 0 : lastLineStart;
        int i = scanned;
        while (i < readable) {
            // jump to the next CR or LF, looking no further than the size limit allows
            boolean inRequestLine = withRequestLine && requestLineEnd < 0;
            long last = inRequestLine ? limits.maxRequestLine() : (long) Math.max(requestLineEnd, 0) + limits.maxHeaderSize();
            int end = (int) Math.min(readable, last + 1);
            int found = in.forEachByte(base + i, end - i, ByteProcessor.FIND_CRLF);
            int at = found < 0 ? end : found - base;
            if (at > i) {
                checkSize(at - 1, withRequestLine);
            }
            if (found < 0) {
                if (end < readable) {
                    checkSize(end, withRequestLine); // the limit cut the search short: always a refusal
                }
                break;
            }
            if (in.getByte(base + at) == '\r') {
                if (at + 1 >= readable) {
                    scanned = at;
                    lastLineStart = lineStart;
                    return -1;
                }
                if (in.getByte(base + at + 1) != '\n') {
                    throw new Refusal(400, "bare CR in the header section");
                }
            } else {
                if (at == 0 || in.getByte(base + at - 1) != '\r') {
                    throw new Refusal(400, "bare LF in the header section");
                }
                boolean empty = at - 1 == lineStart;
                if (withRequestLine && requestLineEnd < 0) {
                    if (empty) {
                        throw new Refusal(400, "empty request line");
                    }
                    requestLineEnd = at + 1;
                } else if (empty) {
                    return at + 1;
                }
                lineStart = at + 1;
            }
            checkSize(at, withRequestLine);
            i = at + 1;
        }
        scanned = readable;
        lastLineStart = lineStart;
        return -1;
    }

    /** Refuses once the byte at {@code i} (from the head's start) lies beyond the request line's or header section's limit. */
    private void checkSize(int i, boolean withRequestLine) throws Refusal {
        if (withRequestLine && requestLineEnd < 0) {
            if (i >= limits.maxRequestLine()) {
                throw new Refusal(414, "request line longer than " + limits.maxRequestLine() + " bytes");
            }
        } else if (i - Math.max(requestLineEnd, 0) >= limits.maxHeaderSize()) {
            throw new Refusal(431, "header section larger than " + limits.maxHeaderSize() + " bytes");
        }
    }

    private void parseRequest(String head, List<Object> out) throws Refusal {
        // the head ends in CRLF CRLF and has no empty line before that (the scan stopped at the first)
        int lineEnd = head.indexOf("\r\n");
        int sp1 = head.indexOf(' ');
        int sp2 = sp1 < 0 || sp1 > lineEnd ? -1 : head.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || sp2 > lineEnd || sp2 == sp1 + 1 || head.lastIndexOf(' ', lineEnd) != sp2) {
            throw new Refusal(400, "malformed request line");
        }
        String method = head.substring(0, sp1);
        if (!Syntax.isToken(method)) {
            throw new Refusal(400, "malformed method");
        }
        String target = head.substring(sp1 + 1, sp2);
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7F || c == '#') {
                // a fragment is never sent (RFC 9112 section 3.2); one in the target means a confused or hostile client
                throw new Refusal(400, "invalid character in the request target");
            }
        }
        HttpVersion version;
        if (head.startsWith("HTTP/1.1", sp2 + 1) && sp2 + 9 == lineEnd) {
            version = HttpVersion.HTTP_1_1;
        } else if (head.startsWith("HTTP/1.0", sp2 + 1) && sp2 + 9 == lineEnd) {
            version = HttpVersion.HTTP_1_0;
        } else if (head.substring(sp2 + 1, lineEnd).matches("HTTP/[0-9]\\.[0-9]")) {
            throw new Refusal(505, "HTTP version " + head.substring(sp2 + 6, lineEnd) + " is not supported");
        } else {
            throw new Refusal(400, "malformed HTTP version");
        }
        if (!(target.startsWith("/") || target.equals("*") && method.equals("OPTIONS")
                || target.regionMatches(true, 0, "http://", 0, 7) || target.regionMatches(true, 0, "https://", 0, 8))) {
            throw new Refusal(400, "request target must be a path, an absolute URI, or * for OPTIONS");
        }
        if (countLines(head, lineEnd + 2) > MAX_HEADER_FIELDS) {
            throw new Refusal(431, "more than " + MAX_HEADER_FIELDS + " header fields");
        }
        HttpHeaders headers = HeaderMaps.unchecked(8);
        int hosts = 0;
        int lengths = 0;
        int codings = 0;
        String host = null;
        String length = null;
        for (int start = lineEnd + 2; start < head.length() - 2; ) {
            int end = head.indexOf("\r\n", start);
            CharSequence name = addField(headers, head, start, end);
            // counted as they are added, so that the checks below need no list of each field's values;
            // these names are always among the known ones, so they are always these very objects
            if (name == HttpHeaderNames.HOST) {
                hosts++;
                host = headers.get(HttpHeaderNames.HOST);
            } else if (name == HttpHeaderNames.CONTENT_LENGTH) {
                lengths++;
                length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
            } else if (name == HttpHeaderNames.TRANSFER_ENCODING) {
                codings++;
            }
            start = end + 2;
        }
        if (hosts > 1 || hosts == 0 && version == HttpVersion.HTTP_1_1) {
            throw new Refusal(400, hosts == 0 ? "missing Host header" : "more than one Host header");
        }
        if (hosts == 1 && !Syntax.isHost(host)) {
            throw new Refusal(400, "malformed Host header");
        }
        DefaultHttpRequest request = new DefaultHttpRequest(version, HttpMethod.valueOf(method), target, headers);
        bodyRead = 0;
        if (codings > 0) {
            if (lengths > 0) {
                throw new Refusal(400, "both Content-Length and Transfer-Encoding");
            }
            if (version == HttpVersion.HTTP_1_0) {
                throw new Refusal(400, "Transfer-Encoding in an HTTP/1.0 request");
            }
            List<String> te = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
            String[] each = String.join(",", te).split(",", -1);
            for (int i = 0; i < each.length; i++) {
                String c = each[i].trim().toLowerCase(Locale.ROOT);
                boolean last = i == each.length - 1;
                if (c.equals("chunked") != last) {
                    throw new Refusal(400, last ? "Transfer-Encoding does not end in chunked" : "chunked applied twice");
                }
                if (!last) {
                    throw new Refusal(501, "transfer coding '" + c + "' is not supported");
                }
            }
            out.add(request);
            state = State.CHUNK_SIZE;
        } else if (lengths > 0) {
            if (lengths > 1) {
                throw new Refusal(400, "more than one Content-Length");
            }
            if (length.isEmpty() || length.length() > 18 || !isDigits(length)) {
                throw new Refusal(400, "invalid Content-Length");
            }
            long declared = Long.parseLong(length);
            if (declared > limits.maxBodySize()) {
                throw new Refusal(413, "body of " + declared + " bytes is over the limit of " + limits.maxBodySize());
            }
            out.add(request);
            if (declared == 0) {
                out.add(LastHttpContent.EMPTY_LAST_CONTENT);
            } else {
                remaining = declared;
                state = State.FIXED_BODY;
            }
        } else {
            out.add(request);
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    /** The number of CRLF-ended lines in {@code block} from {@code from}, the empty last one not counted. */
    private static int countLines(String block, int from) {
        int n = 0;
        for (int i = block.indexOf('\n', from); i >= 0; i = block.indexOf('\n', i + 1)) {
            n++;
        }
        return n - 1;
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** The known field name spelled, in any case, by {@code length} characters of {@code block} from {@code start}. */
    private static AsciiString knownName(String block, int start, int length) {
        AsciiString[] candidates = length < KNOWN_NAMES.length ? KNOWN_NAMES[length] : null;
        if (candidates != null) {
            for (AsciiString known : candidates) {
                // ISO-8859-1 text: no character outside ASCII matches an ASCII letter ignoring case
                if (block.regionMatches(true, start, known.toString(), 0, length)) {
                    return known;
                }
            }
        }
        return null;
    }

    private static AsciiString[][] byLength(AsciiString... names) {
        AsciiString[][] table = new AsciiString[32][];
        for (AsciiString n : names) {
            AsciiString[] old = table[n.length()] == null ? new AsciiString[0] : table[n.length()];
            AsciiString[] grown = java.util.Arrays.copyOf(old, old.length + 1);
            grown[old.length] = n;
            table[n.length()] = grown;
        }
        return table;
    }

    /**
     * Checks and adds the field on {@code block}'s line from {@code start} to {@code end} (its CR); returns its
     * name, which for a known name is Netty's lower-case constant (HTTP field names are case-insensitive).
     */
    private static CharSequence addField(HttpHeaders headers, String block, int start, int end) throws Refusal {
        char first = block.charAt(start);
        if (first == ' ' || first == '\t') {
            throw new Refusal(400, "obsolete line folding in the header section");
        }
        int colon = block.indexOf(':', start);
        if (colon <= start || colon > end) {
            throw new Refusal(400, "header line without a field name");
        }
        CharSequence name = knownName(block, start, colon - start);
        if (name == null) {
            String unknown = block.substring(start, colon);
            if (!Syntax.isToken(unknown)) {
                throw new Refusal(400, "invalid header field name");
            }
            name = unknown;
        }
        int from = colon + 1;
        int to = end;
        while (from < to && (block.charAt(from) == ' ' || block.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (block.charAt(to - 1) == ' ' || block.charAt(to - 1) == '\t')) {
            to--;
        }
        for (int i = from; i < to; i++) {
            char c = block.charAt(i);
            if (c != '\t' && (c < 0x20 || c == 0x7F)) {
                throw new Refusal(400, "control character in header field " + name);
            }
        }
        headers.add(name, block.substring(from, to));
        return name;
    }

    private boolean chunkSize(ByteBuf in) throws Refusal {
        int base = in.readerIndex();
        int readable = Math.min(in.readableBytes(), MAX_CHUNK_LINE + 1);
        int lf = -1;
        for (int i = 0; i < readable; i++) {
            byte b = in.getByte(base + i);
            if (b == '\n') {
                if (i == 0 || in.getByte(base + i - 1) != '\r') {
                    throw new Refusal(400, "bare LF in a chunk size line");
                }
                lf = i;
                break;
            }
            if (b == '\r' && i + 1 < readable && in.getByte(base + i + 1) != '\n') {
                throw new Refusal(400, "bare CR in a chunk size line");
            }
        }
        if (lf < 0) {
            if (in.readableBytes() > MAX_CHUNK_LINE) {
                throw new Refusal(400, "chunk size line too long");
            }
            return false;
        }
        String line = in.toString(base, lf - 1, StandardCharsets.ISO_8859_1);
        in.skipBytes(lf + 1);
        int digits = 0;
        while (digits < line.length() && Character.digit(line.charAt(digits), 16) >= 0) {
            digits++;
        }
        if (digits == 0 || digits > 15) {
            throw new Refusal(400, "invalid chunk size");
        }
        String rest = Syntax.trimOws(line.substring(digits));
        if (!rest.isEmpty() && (rest.charAt(0) != ';' || !Syntax.isChunkExtension(rest))) {
            throw new Refusal(400, "invalid chunk size");
        }
        long size = Long.parseLong(line.substring(0, digits), 16);
        if (bodyRead + size > limits.maxBodySize()) {
            throw new Refusal(413, "chunked body over the limit of " + limits.maxBodySize() + " bytes");
        }
        bodyRead += size;
        if (size == 0) {
            state = State.TRAILERS;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
        return true;
    }

    private boolean trailers(ByteBuf in, List<Object> out) throws Refusal {
        if (scanned == 0 && in.readableBytes() >= 2 && in.getByte(in.readerIndex()) == '\r'
                && in.getByte(in.readerIndex() + 1) == '\n') {
            in.skipBytes(2);
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
            state = State.HEAD;
            return true;
        }
        requestLineEnd = 0;
        // a trailer section is a header block that starts at once, so a leading CRLF is its end
        int end = scanTrailers(in);
        if (end < 0) {
            return false;
        }
        String block = in.toString(in.readerIndex(), end, StandardCharsets.ISO_8859_1);
        in.skipBytes(end);
        scanned = 0;
        requestLineEnd = -1;
        HttpHeaders trailing = TRAILERS.newHeaders();
        for (int start = 0; start < block.length() - 2; ) {
            int lineEnd = block.indexOf("\r\n", start);
            addField(trailing, block, start, lineEnd);
            start = lineEnd + 2;
        }
        for (String name : trailing.names()) {
            if (Syntax.isForbiddenTrailer(name.toLowerCase(java.util.Locale.ROOT))) {
                throw new Refusal(400, "field " + name + " is not allowed in a trailer section");
            }
        }
        out.add(new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailing));
        state = State.HEAD;
        return true;
    }

    private int scanTrailers(ByteBuf in) throws Refusal {
        return scanHeaderBlock(in, false);
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, List<Object> out, int status, String reason) {
        cancelHeadTimer();
        state = State.FAILED;
        in.skipBytes(in.readableBytes());
        out.add(new HttpDecodeFailure(status, reason));
    }

    private void startHeadTimer(ChannelHandlerContext ctx) {
        if (headTimer != null) {
            return;
        }
        headTimer = ctx.executor().schedule(() -> {
            headTimer = null;
            if (state == State.HEAD && ctx.channel().isActive()) {
                state = State.FAILED;
                ctx.fireChannelRead(new HttpDecodeFailure(408, "request header section not complete within "
                        + limits.headerTimeout().toMillis() + " ms"));
                ctx.fireChannelReadComplete();
            }
        }, limits.headerTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancelHeadTimer() {
        if (headTimer != null) {
            headTimer.cancel(false);
            headTimer = null;
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelHeadTimer();
        cancelBodyTimer();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelHeadTimer();
        cancelBodyTimer();
        super.channelInactive(ctx);
    }
}
