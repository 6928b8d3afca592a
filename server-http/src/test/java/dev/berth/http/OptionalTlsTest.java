package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.ListenerConfig;
import dev.berth.core.tls.TlsMode;
import dev.berth.core.testing.BerthServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

/** A listener in {@code optional} TLS mode serves plain HTTP and HTTPS (HTTP/1.1 and h2) on one port. */
class OptionalTlsTest {
    @RegisterExtension
    static final BerthServerExtension server = BerthServerExtension.newBuilder()
            .listener(ListenerConfig.tcp("http").protocol("http").tlsMode(TlsMode.OPTIONAL).build())
            .module(HttpModule.builder().get("/", r -> HttpResponse.text("secure=" + r.tlsSession().isPresent())).build())
            .build();
    private static int port;

    @BeforeAll
    static void port() {
        port = server.port("http");
    }

    @Test
    void plainHttpIsServedWithoutRedirectOrHsts() throws Exception {
        String answer = Curl.run("-i", "http://127.0.0.1:" + port + "/");
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        assertTrue(answer.endsWith("secure=false"), answer);
        assertFalse(answer.toLowerCase().contains("strict-transport-security"), answer);
    }

    @Test
    void httpsIsServedOverHttp11AndHttp2OnTheSamePort() throws Exception {
        String h1 = Curl.run("--cacert", ca(), "-i", "--http1.1", "https://127.0.0.1:" + port + "/");
        assertTrue(h1.startsWith("HTTP/1.1 200"), h1);
        assertTrue(h1.endsWith("secure=true"), h1);
        assertTrue(h1.toLowerCase().contains("strict-transport-security"), h1);
        String h2 = Curl.run("--cacert", ca(), "-i", "--http2", "https://localhost:" + port + "/");
        assertTrue(h2.startsWith("HTTP/2 200"), h2);
        assertEquals("secure=true", h2.substring(h2.indexOf("\r\n\r\n") + 4));
    }

    /** curl verifies the kit's certificate, by IP address and by name. */
    private static String ca() {
        return server.certificates().caFile().toString();
    }
}
