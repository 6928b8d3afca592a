package dev.berth.http.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.http.HttpModule;
import dev.berth.http.HttpResponse;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import org.junit.jupiter.api.Test;

/** {@code @BerthHttp}: the class's module served over HTTPS and HTTP, and a client that trusts it. */
@BerthHttp
class BerthHttpTest {

    @BerthHttp.Module
    static HttpModule api() {
        return HttpModule.builder().redirectToHttps(false)
                .get("/hello/{name}", req -> HttpResponse.text("hi " + req.pathParameter("name"))).build();
    }

    @Test
    void theClientTrustsTheGeneratedCertificateAndSpeaksHttp2(BerthHttpExtension http) throws Exception {
        java.net.http.HttpResponse<String> r = http.client().send(
                HttpRequest.newBuilder(http.httpsUri("/hello/kit")).build(), BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("hi kit", r.body());
        assertEquals(HttpClient.Version.HTTP_2, r.version());
    }

    @Test
    void thePlaintextListenerServesTheSameModule(BerthHttpExtension http) throws Exception {
        java.net.http.HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(http.httpUri("/hello/plain")).build(), BodyHandlers.ofString());
        assertEquals("hi plain", r.body());
    }
}
