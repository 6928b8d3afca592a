package dev.berth.http.testing;

import dev.berth.core.ListenerConfig;
import dev.berth.core.ServerBuilder;
import dev.berth.core.testing.BerthServerExtension;
import dev.berth.core.tls.TlsMode;
import dev.berth.http.HttpModule;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A real Berth HTTP server for a JUnit 5 test: listener {@code https} (TLS at accept, HTTP/2 and
 * HTTP/1.1 by ALPN) and listener {@code http} (plaintext, h2c with prior knowledge), both on 127.0.0.1
 * and port 0, serving the {@link HttpModule} you give with certificates made in-process.
 * {@link #client()} is a JDK {@link HttpClient} that trusts them and verifies the host name.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final BerthHttpExtension http = BerthHttpExtension.of(HttpModule.builder()
 *         .get("/hello", req -> HttpResponse.text("hi")).build());
 *
 * @Test
 * void saysHi() throws Exception {
 *     HttpResponse<String> r = http.client().send(HttpRequest.newBuilder(http.httpsUri("/hello")).build(),
 *             BodyHandlers.ofString());
 *     assertEquals("hi", r.body());
 * }
 * }</pre>
 *
 * Used directly (not registered), {@link #start()} and {@link #close()} bound a server to a block.
 * The annotation {@link BerthHttp} starts one for a test class and hands it to methods as a parameter.
 */
public final class BerthHttpExtension extends BerthServerExtension implements AutoCloseable {
    /** The TLS listener. */
    public static final String HTTPS = "https";
    /** The plaintext listener. */
    public static final String HTTP = "http";

    private HttpClient client;

    private BerthHttpExtension(HttpModule module, Consumer<ServerBuilder> customizer) {
        super(List.of(module), List.of(
                ListenerConfig.tcp(HTTPS).protocol(HttpModule.NAME).tlsMode(TlsMode.IMPLICIT).build(),
                ListenerConfig.tcp(HTTP).protocol(HttpModule.NAME).build()), customizer);
    }

    /** A server for this module. */
    public static BerthHttpExtension of(HttpModule module) {
        return new BerthHttpExtension(module, b -> { });
    }

    /** A server for this module, with more said on its builder (shutdown timeout, event-loop threads, ...). */
    public static BerthHttpExtension of(HttpModule module, Consumer<ServerBuilder> customizer) {
        return new BerthHttpExtension(module, customizer);
    }

    /** A server for this module, started now; close it when done. */
    public static BerthHttpExtension started(HttpModule module) {
        BerthHttpExtension e = of(module);
        e.start();
        return e;
    }

    public int httpsPort() {
        return port(HTTPS);
    }

    public int httpPort() {
        return port(HTTP);
    }

    /** {@code https://localhost:PORT} plus the path: the name the certificate is for. */
    public URI httpsUri(String path) {
        return URI.create(https(path));
    }

    /** {@code http://127.0.0.1:PORT} plus the path. */
    public URI httpUri(String path) {
        return URI.create(http(path));
    }

    /** The HTTPS URL of a path, as text. */
    public String https(String path) {
        return "https://localhost:" + httpsPort() + path;
    }

    /** The plaintext URL of a path, as text. */
    public String http(String path) {
        return "http://127.0.0.1:" + httpPort() + path;
    }

    /** A client that trusts this server's certificate; HTTP/2 where the server offers it. */
    public synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().sslContext(clientContext()).version(HttpClient.Version.HTTP_2)
                    .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
        }
        return client;
    }

    @Override
    public void stop() {
        synchronized (this) {
            client = null;
        }
        super.stop();
    }

    @Override
    public void close() {
        stop();
    }
}
