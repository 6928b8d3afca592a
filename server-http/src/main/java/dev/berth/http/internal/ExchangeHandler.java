package dev.berth.http.internal;

import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.Drain;
import dev.berth.core.spi.LingeringClose;
import dev.berth.core.spi.ReadPause;
import dev.berth.http.HttpResponse;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the exchanges of one HTTP/1.1 connection (or one HTTP/2 stream): reads each request's body up
 * to the limit, hands the request to the service, and writes the answers strictly in request order,
 * however late each handler completes. Closes after an answer that ends the connection, after the
 * keep-alive timeout, and, on a graceful stop ({@link Drain#EVENT}), once the last answer owed has been
 * written whole: at once when idle, else after the answer being written; the first request to arrive
 * during the stop is answered with {@code Connection: close} and nothing after it is read. (HTTP/2 streams
 * ignore the event: the connection's GOAWAY ends them.) Says what it has in flight for the drain report.
 */
public final class ExchangeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ExchangeHandler.class);
    /** The {@link ReadPause} reason while as many pipelined requests as allowed await their answers. */
    private static final String PIPELINE_FULL = "http: pipelined requests owed answers";
    /** The body of every request without one; empty, so sharing it is safe. */
    private static final byte[] NO_BODY = new byte[0];

    private final HttpService service;
    private final ConnectionContext connection;
    /** The access log's client field, made once per connection (or stream) rather than per request. */
    private String client;
    private final boolean http2;
    /** The protocol of a multiplexed stream ({@code HTTP/2.0}, {@code HTTP/3}); null for HTTP/1.x, named per request. */
    /** The protocol name of an HTTP/3 request stream, as the access log and {@code request.protocol()} give it. */
    private static final String HTTP3 = "HTTP/3";
    private final String streamProtocol;
    private final boolean secure;
    private final SSLSession tls;
    /** The keep-alive timeout; 0 for none. */
    private final long idleNanos;
    private final ArrayDeque<Exchange> queue = new ArrayDeque<>();
    /** Answers on their way out: written in part, their last part's write not yet done or failed. */
    private final ArrayDeque<Exchange> writing = new ArrayDeque<>(2);
    private final Supplier<String> inFlight = this::describe;
    private final HttpMeters.Listener meters;
    /**
     * Counts file and stream bodies as they are written; null until the first such response, which adds it and
     * the chunked writer to the pipeline just before this handler ({@link #bodyWriters()}).
     */
    private BodyCounter counter;
    private final Runnable idleCheck = this::checkIdle;
    private ChannelHandlerContext ctx;
    private Exchange receiving;
    private boolean closing;
    private boolean draining;
    /** During a stop: a request arrived after it began and is the last this connection answers. */
    private boolean lastTaken;
    /** During a stop: a request came after the last one; it and everything after it are ignored. */
    private boolean ignoringRest;
    /**
     * True from a {@code channelRead} to the {@code channelReadComplete} that ends its read batch: answers
     * written meanwhile are flushed once, at the end of the batch (one syscall, one TLS record for a pipelined batch).
     */
    private boolean reading;
    /** True while reading is paused for {@link #PIPELINE_FULL}: only then is there a pause to lift after an answer. */
    private boolean pipelineFull;
    private boolean unflushed;
    /** True inside {@link #flush()}, which an answer's write completing at once would otherwise re-enter. */
    private boolean flushing;
    /** Whether file bodies may go out by sendfile (plaintext HTTP/1.1); null until the first file answer. */
    private Boolean sendfile;
    /**
     * The one keep-alive timer of this connection, armed once and re-armed only when it fires, as Netty's
     * IdleStateHandler does: requests never cancel it, they only move {@link #idleSince}.
     */
    private ScheduledFuture<?> idleTimer;
    /** Ticker time when the connection last became idle (nothing owed, nothing being received). */
    private long idleSince;
    /**
     * Ticker time when the exchange being ended ended, read there for its duration: while its end is handled, the
     * keep-alive clock starts from it if the connection becomes idle, instead of reading the clock again; 0
     * otherwise.
     */
    private long endedAt;

    /**
     * One request and, once known, its answer; told how many body bytes were written as they are, and
     * when the answer's last part was written or failed, which ends the exchange: meters, access log.
     */
    private final class Exchange implements BodyCounter.Sink, ChannelFutureListener {
        final HttpRequest head;
        /** Ticker time when the request began (the event loop's ticker: one clock for durations and keep-alive). */
        final long start = ctx.executor().ticker().nanoTime();
        /** The status sent. */
        int status;
        /** Body bytes of a file or stream answer written so far. */
        long written;
        /** A sendfile region being written, whose progress is not yet in {@link #written}. */
        FileRegion region;
        /** The body length of an answer written as one message, which counts when that write succeeds. */
        long whole;
        /** True once {@link #end()} ran: each exchange leaves the active-request gauge exactly once. */
        boolean ended;
        /** The body so far; null until its first bytes arrive. */
        CompositeByteBuf body;
        long received;
        HttpResponse response;
        ServerRequest request;
        HttpService.Plan plan;
        StreamingBody stream;
        boolean close;
        boolean discard;

        Exchange(HttpRequest head) {
            this.head = head;
            meters.requestStarted();
        }

        @Override
        public void written(long bytes) {
            written += bytes;
        }

        @Override
        public void sending(FileRegion region) {
            this.region = region;
        }

        @Override
        public void replaced(int status, long bodyBytes) {
            this.status = status;
            this.whole = bodyBytes;
        }

        /** The answer's last part was written (complete) or its write failed (cut short: closed, reset, error). */
        @Override
        public void operationComplete(ChannelFuture future) {
            boolean complete = future.isSuccess();
            writing.remove(this);
            long bytes = written + (complete ? whole : 0);
            long now = ctx.executor().ticker().nanoTime();
            long nanos = now - start;
            int route = plan == null ? HttpMeters.OTHER : plan.route;
            int method = head == null ? HttpMeters.method("") : HttpMeters.method(head.method());
            int version = HttpMeters.version(http2, HTTP3.equals(streamProtocol),
                    head != null && head.protocolVersion() == HttpVersion.HTTP_1_0);
            meters.record(route, method, status, version, nanos, received, bytes);
            end();
            if (AccessLog.enabled()) {
                String referer = head == null ? null : head.headers().get(HttpHeaderNames.REFERER);
                String agent = head == null ? null : head.headers().get(HttpHeaderNames.USER_AGENT);
                String protocol = streamProtocol != null ? streamProtocol : head == null ? "HTTP/1.1" : head.protocolVersion().text();
                AccessLog.log(client(), head, status, bytes, referer, agent, protocol, nanos,
                        complete);
            }
            endedAt = now;
            try {
                answerWritten();
            } finally {
                // only a connection that becomes idle in this call starts its keep-alive clock from this end: one
                // still receiving a body (a handler that answered early) becomes idle when the body ends, and then
                // reads the clock
                endedAt = 0;
            }
        }

        /** What this exchange is doing, for the drain report: {@code GET /big.bin 200: 20 of 50 bytes sent}. */
        String describe() {
            String request = head == null ? "an unreadable request" : head.method() + " " + head.uri();
            if (response == null) {
                return request + (this == receiving ? ": " + received + " bytes of its body received" : ": not answered yet");
            }
            long sent = written + (region == null ? 0 : region.transferred());
            HttpResponse.BodyKind kind = response.bodyKind();
            long length = kind == HttpResponse.BodyKind.FILE ? response.contentLength() : whole;
            if (writing.contains(this) && kind == HttpResponse.BodyKind.STREAM) {
                return request + " " + status + ": " + sent + " bytes of a streamed body sent";
            }
            if (writing.contains(this)) {
                return request + " " + status + ": " + sent + " of " + length + " bytes sent";
            }
            return request + " " + status + ": answered, waiting for the answers before it";
        }

        void end() {
            if (!ended) {
                ended = true;
                meters.requestEnded();
            }
        }

        /** Releases the request's body and closes a response that will not be written now. */
        void drop() {
            release();
            if (response != null) {
                response.closeBody();
            }
            end();
        }

        void release() {
            if (stream != null) {
                stream.fail("the request body was not completed");
                stream = null;
            }
            if (body != null) {
                body.release();
                body = null;
            }
        }
    }

    /** The access log's client field; the address a PROXY header gave is known before the first request ends. */
    private String client() {
        if (client == null) {
            client = AccessLog.client(connection.remoteAddress());
        }
        return client;
    }

    /** {@code tls} is the connection's TLS session, or null: looked up once per connection, not per request. */
    public ExchangeHandler(HttpService service, ConnectionContext connection, boolean http2, SSLSession tls) {
        this(service, connection, http2, http2 ? "HTTP/2.0" : null,
                connection.listener().tlsMode() != dev.berth.core.tls.TlsMode.NONE && tls != null, tls);
    }

    private ExchangeHandler(HttpService service, ConnectionContext connection, boolean http2, String streamProtocol,
                            boolean secure, SSLSession tls) {
        this.service = service;
        this.connection = connection;
        this.http2 = http2;
        this.streamProtocol = streamProtocol;
        this.secure = secure;
        this.tls = secure ? tls : null;
        this.idleNanos = http2 ? 0 : service.limits().keepAliveTimeout().toNanos();
        this.meters = service.meters().listener(connection.listener().name());
    }

    /**
     * The handler of one HTTP/3 request stream: multiplexed like an HTTP/2 stream, and always secure, as QUIC
     * carries its own TLS 1.3 session ({@code tls}) on a listener whose TLS mode is that of UDP, none.
     */
    static ExchangeHandler http3(HttpService service, ConnectionContext connection, SSLSession tls) {
        return new ExchangeHandler(service, connection, true, HTTP3, true, tls);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        InFlight.add(connectionChannel(), inFlight);
        if (ctx.channel().isActive()) {
            becameIdle();
        }
    }

    /**
     * Adds the body counter and the chunked writer in front of this handler, once, when the first response with a
     * file or stream body is written: most answers are one message, which neither handler has work for, and an
     * HTTP/2 stream builds its pipeline for every request (bench/README.md). Writes already passed below are not
     * affected; later ones go through both, the counter nearer the socket, as the chunked writer's parts need.
     */
    private void bodyWriters() {
        if (counter != null) {
            return;
        }
        counter = new BodyCounter();
        ctx.pipeline().addBefore(ctx.name(), null, counter);
        ctx.pipeline().addBefore(ctx.name(), null, new ChunkedWriteHandler());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        becameIdle();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        if (lastTaken && receiving == null && (msg instanceof HttpRequest || msg instanceof HttpDecodeFailure)) {
            ignoringRest = true;
        }
        if (closing || ignoringRest) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpDecodeFailure) {
            HttpDecodeFailure f = (HttpDecodeFailure) msg;
            log.debug("refusing a request from {}: {}", connection.remoteAddress(), f);
            // a failure in the middle of a body (a bad chunk, too much data) belongs to the request being read
            Exchange ex = receiving != null ? receiving : new Exchange(null);
            if (receiving == null) {
                queue.add(ex);
            }
            receiving = null;
            refuse(ex, f.status(), f.reason());
            return;
        }
        try {
            if (msg instanceof HttpRequest) {
                head((HttpRequest) msg);
            }
            if (msg instanceof HttpContent && receiving != null) {
                content((HttpContent) msg);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    private void head(HttpRequest h) {
        Exchange ex = new Exchange(h);
        queue.add(ex);
        receiving = ex;
        if (draining && !http2) {
            ex.close = true; // arrived during a stop: answered, with Connection: close, as the last
            lastTaken = true;
        }
        if (!http2 && !pipelineFull && queue.size() >= service.limits().maxPipelined()) {
            // enough answers owed: stop reading until some are written, so pipelining cannot grow the queue without bound
            ReadPause.pause(ctx.channel(), PIPELINE_FULL);
            pipelineFull = true;
        }
        if (h.decoderResult().isFailure()) {
            refuse(ex, 400, "malformed request");
            return;
        }
        // the decoders checked it; HttpUtil.getContentLength would also look for WebSocket draft fields on every request
        String length = h.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        long declared = length == null ? -1L : Long.parseLong(length);
        if (declared > service.limits().maxBodySize()) {
            refuse(ex, 413, "body over the limit of " + service.limits().maxBodySize() + " bytes");
            return;
        }
        String expect = h.headers().get(HttpHeaderNames.EXPECT);
        if (expect != null) {
            if (!expect.equalsIgnoreCase(HttpHeaderValues.CONTINUE.toString()) || h.protocolVersion() == HttpVersion.HTTP_1_0) {
                refuse(ex, 417, "only 'Expect: 100-continue' is understood");
            } else if (queue.size() == 1) {
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
            }
        }
        if (!ex.discard && !h.uri().equals("*")) {
            ServerRequest r = request(ex);
            if (r != null) {
                // decided once, here: the route, the redirect, and whether the handler streams the body
                ex.request = r;
                ex.plan = service.plan(r, connection);
                if (ex.plan.streaming) {
                    ex.stream = new StreamingBody(ctx.channel());
                    r.stream(ex.stream);
                    call(ex);
                }
            }
        }
    }

    private void content(HttpContent c) {
        Exchange ex = receiving;
        if (!ex.discard) {
            ex.received += c.content().readableBytes();
            if (ex.received > service.limits().maxBodySize()) {
                refuse(ex, 413, "body over the limit of " + service.limits().maxBodySize() + " bytes");
            } else if (c.content().isReadable() && ex.stream != null) {
                ex.stream.offer(ByteBufUtil.getBytes(c.content()));
            } else if (c.content().isReadable()) {
                if (ex.body == null) {
                    ex.body = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
                }
                ex.body.addComponent(true, c.content().retain());
            }
        }
        if (c instanceof LastHttpContent) {
            receiving = null;
            if (ex.stream != null) {
                ex.stream.end();
                // the handler may have answered before the body ended: the connection may be idle now
                flush();
            } else if (!ex.discard) {
                dispatch(ex);
            }
        }
    }

    /** Answers at once with an error, ignoring the rest of this request's body; HTTP/1.1 then closes. */
    private void refuse(Exchange ex, int status, String reason) {
        if (ex.stream != null) {
            ex.stream.fail(reason);
        }
        if (ex.response != null) {
            return;
        }
        ex.discard = true;
        ex.close = ex.close || !http2;
        ex.release();
        respond(ex, HttpResponse.error(status, HttpResponseStatus.valueOf(status).reasonPhrase() + ": " + reason));
    }

    private void dispatch(Exchange ex) {
        HttpRequest h = ex.head;
        if (h.uri().equals("*")) {
            ex.release();
            respond(ex, HttpResponse.empty(200).header(HttpHeaderNames.ALLOW.toString(),
                    "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"));
            return;
        }
        byte[] body = ex.body == null ? NO_BODY : ByteBufUtil.getBytes(ex.body);
        ex.release();
        if (ex.request == null) {
            respond(ex, HttpResponse.error(400, "Bad Request: malformed or encoded path separator in the path"));
            return;
        }
        ex.request.body(body);
        call(ex);
    }

    /** The handler's view of a request, body still to come; null when its target cannot be decoded. */
    private ServerRequest request(Exchange ex) {
        HttpRequest h = ex.head;
        RequestTarget target = RequestTarget.parse(h.uri());
        if (target == null) {
            return null;
        }
        String protocol = streamProtocol != null ? streamProtocol : h.protocolVersion().text();
        return new ServerRequest(h.method().name(), target, h.headers(), NO_BODY, connection.remoteAddress(), tls,
                protocol);
    }

    private void call(Exchange ex) {
        CompletableFuture<HttpResponse> answer = service.serve(ex.request, ex.plan);
        if (answer.isDone()) {
            // answered on the spot (the usual case for handlers on the event loop): no completion callback needed
            HttpResponse response = null;
            Throwable error = null;
            try {
                response = answer.getNow(null);
            } catch (CompletionException | CancellationException e) {
                error = e;
            }
            completed(ex, response, error);
            return;
        }
        answer.whenComplete((response, error) -> {
            if (ctx.executor().inEventLoop()) {
                completed(ex, response, error);
            } else {
                ctx.executor().execute(() -> completed(ex, response, error));
            }
        });
    }

    private void completed(Exchange ex, HttpResponse response, Throwable error) {
        if (error != null || response == null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            log.warn("handler failed on {}", ex.request, cause);
            response = HttpResponse.error(500, "Internal Server Error");
        }
        respond(ex, response);
    }

    private void respond(Exchange ex, HttpResponse response) {
        ex.response = response;
        if (closing || !queue.contains(ex)) {
            response.closeBody(); // answered after the connection ended: nothing will write it
            return;
        }
        flush();
    }

    private void flush() {
        if (flushing) {
            return; // an answer written by the loop below completed at once: the loop goes on from here
        }
        flushing = true;
        try {
            flushOwed();
        } finally {
            flushing = false;
        }
    }

    private void flushOwed() {
        while (!closing && !queue.isEmpty() && queue.peek().response != null) {
            write(queue.poll());
        }
        if (pipelineFull && !closing && queue.size() < service.limits().maxPipelined()) {
            // core's backpressure holds its own reason while the channel is unwritable, so this cannot resume under it
            ReadPause.resume(ctx.channel(), PIPELINE_FULL);
            pipelineFull = false;
        }
        if (closing) {
            queue.forEach(Exchange::drop);
            queue.clear();
            return;
        }
        if (queue.isEmpty() && receiving == null && writing.isEmpty()) {
            if (draining && !http2) {
                closing = true;
                ctx.flush();
                ctx.close();
            } else {
                becameIdle();
            }
        }
    }

    /** An answer's write ended: a stop waiting for it may close now, and the keep-alive timeout may start. */
    private void answerWritten() {
        if (!closing && writing.isEmpty() && ctx.channel().isActive()) {
            flush();
        }
    }

    private void write(Exchange ex) {
        HttpResponse r = ex.response;
        HttpRequest h = ex.head;
        boolean lastBeforeStop = draining && queue.isEmpty() && receiving == null;
        boolean keepAlive = http2 || h != null && !ex.close && !lastBeforeStop && HttpUtil.isKeepAlive(h)
                && !(r.bodyKind() == HttpResponse.BodyKind.STREAM && h.protocolVersion() == HttpVersion.HTTP_1_0);
        service.decorate(r, secure, connection);
        boolean head = h != null && h.method().equals(HttpMethod.HEAD);
        boolean now = !reading;
        if (r.bodyKind() == HttpResponse.BodyKind.FILE || r.bodyKind() == HttpResponse.BodyKind.STREAM) {
            bodyWriters();
        }
        ResponseWriter.Mode mode = new ResponseWriter.Mode(http2, r.bodyKind() == HttpResponse.BodyKind.FILE && sendfile(),
                head, keepAlive, h == null ? HttpVersion.HTTP_1_1 : h.protocolVersion(), service.blockingExecutor(), now,
                counter, ex);
        ex.status = r.status();
        boolean oneMessage = r.bodyKind() == HttpResponse.BodyKind.BYTES || r.bodyKind() == HttpResponse.BodyKind.BUFFER;
        ex.whole = oneMessage && !head && !ResponseWriter.bodiless(r.status()) ? r.contentLength() : 0;
        writing.add(ex);
        ChannelFuture done = ResponseWriter.write(ctx, r, mode);
        if (!now) {
            unflushed = true;
        }
        if (!keepAlive) {
            closing = true; // before the listener below, which may run at once, can write what follows
        }
        done.addListener(ex);
        if (!keepAlive) {
            done.addListener(LingeringClose.AFTER_LAST_ANSWER); // a client still sending its body reads the answer
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == Drain.EVENT && !http2) {
            draining = true;
            if (queue.isEmpty() && receiving == null && writing.isEmpty() && !closing) {
                closing = true;
                ctx.flush();
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /** The TCP connection: this channel, or for an HTTP/2 stream its parent. */
    private Channel connectionChannel() {
        return http2 && ctx.channel().parent() != null ? ctx.channel().parent() : ctx.channel();
    }

    /** What this connection (or stream) has in flight, for the drain report; null when idle. */
    private String describe() {
        if (writing.isEmpty() && queue.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        if (http2 && ctx.channel() instanceof Http2StreamChannel) {
            sb.append("stream ").append(((Http2StreamChannel) ctx.channel()).stream().id()).append(' ');
        }
        String sep = "";
        for (Exchange ex : writing) {
            sb.append(sep).append(ex.describe());
            sep = ", ";
        }
        for (Exchange ex : queue) {
            sb.append(sep).append(ex.describe());
            sep = ", ";
        }
        return sb.toString();
    }

    /** True when file bodies may go out by sendfile: plaintext HTTP/1.1, no TLS handler in the pipeline. */
    private boolean sendfile() {
        if (sendfile == null) {
            sendfile = !http2 && !secure && ctx.pipeline().get(SslHandler.class) == null;
        }
        return sendfile;
    }

    /** Nothing owed and nothing being received: the keep-alive timeout runs from now. */
    private void becameIdle() {
        if (idleNanos == 0 || ctx == null) {
            return;
        }
        long now = endedAt != 0 ? endedAt : ctx.executor().ticker().nanoTime();
        endedAt = 0;
        idleSince = now;
        if (idleTimer == null) {
            idleTimer = ctx.executor().schedule(idleCheck, idleNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void checkIdle() {
        idleTimer = null;
        if (closing) {
            return;
        }
        long left = idleNanos;
        if (queue.isEmpty() && receiving == null && writing.isEmpty()) {
            left -= ctx.executor().ticker().nanoTime() - idleSince;
            if (left <= 0) {
                closing = true;
                ctx.flush();
                ctx.close();
                return;
            }
        }
        // busy (the full timeout again, counted anew once idle) or idle for less than the timeout
        idleTimer = ctx.executor().schedule(idleCheck, left, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
        queue.forEach(Exchange::drop);
        queue.clear();
        if (receiving != null) {
            receiving.release();
            receiving = null;
        }
        InFlight.remove(connectionChannel(), inFlight);
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (log.isDebugEnabled()) {
            log.debug("closing {} after an error: {}", ctx.channel(), cause.toString());
        }
        closing = true;
        if (http2 && Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            // a stream error (RFC 9113 section 5.4.2): at the end of the pipeline the stream channel resets the
            // stream with the error's own code, where a plain close would end it silently or with CANCEL
            ctx.fireExceptionCaught(cause);
            return;
        }
        ctx.flush();
        ctx.close();
    }
}
