package dev.berth.bench.jmh;

import dev.berth.http.HttpLimits;
import dev.berth.http.internal.StrictRequestDecoder;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A browser-like GET with eight header fields, one read per request on a kept-alive connection, decoded
 * by Berth's {@link StrictRequestDecoder} and, as the anchor, by Netty's {@link HttpRequestDecoder}
 * with its defaults (header validation on).
 */
public class HttpDecodeBench extends MicroBench {
    private static final String TARGET = "/docs/guide/intro.html?lang=en";
    private static final byte[] REQUEST = ("GET " + TARGET + " HTTP/1.1\r\n"
            + "Host: www.example.org\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
            + "Accept-Language: en-GB,en;q=0.5\r\n"
            + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Connection: keep-alive\r\n"
            + "Cookie: session=4f1c2a9e7b; theme=dark\r\n"
            + "If-None-Match: \"1a2b-18c3d4e5f60\"\r\n"
            + "\r\n").getBytes(StandardCharsets.US_ASCII);

    private Pipeline berth;
    private Pipeline netty;

    /** A request counts its header fields, its end counts one; anything else (a refusal) is recorded by the sink. */
    private static long weigh(Object msg) {
        if (msg instanceof HttpRequest r && r.decoderResult().isSuccess()) {
            return r.headers().size() + r.uri().length();
        }
        if (msg instanceof LastHttpContent) {
            return 1;
        }
        throw new IllegalStateException("unexpected message " + msg);
    }

    @Setup
    public void setUp() {
        berth = new Pipeline(new StrictRequestDecoder(HttpLimits.DEFAULTS), HttpDecodeBench::weigh);
        netty = new Pipeline(new HttpRequestDecoder(), HttpDecodeBench::weigh);
        checkDecodes(berth, "StrictRequestDecoder");
        checkDecodes(netty, "HttpRequestDecoder");
    }

    private static void checkDecodes(Pipeline pipeline, String decoder) {
        for (int round = 0; round < 2; round++) { // twice: the second request checks the decoder's reset
            List<Object> out = pipeline.feedAndCapture(REQUEST);
            Check.equal(2, out.size(), decoder + ": messages per request");
            HttpRequest r = (HttpRequest) out.get(0);
            Check.equal("GET", r.method().name(), decoder + ": method");
            Check.equal(TARGET, r.uri(), decoder + ": target");
            Check.equal(8, r.headers().size(), decoder + ": header fields");
            Check.equal("www.example.org", r.headers().get("host"), decoder + ": Host");
            Check.that(out.get(1) instanceof LastHttpContent, decoder + ": the request ends without a body");
        }
    }

    @TearDown
    public void tearDown() {
        berth.close();
        netty.close();
    }

    @Benchmark
    public long berthStrictDecoder() {
        return berth.feed(REQUEST);
    }

    @Benchmark
    public long anchorNettyHttpRequestDecoder() {
        return netty.feed(REQUEST);
    }
}
