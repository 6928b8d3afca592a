package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.core.BerthException;
import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.tls.TlsMode;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** An HttpModule is a value: one instance serves several servers, and the builder's later changes reach none. */
class ModuleValueTest {

    @Test
    void oneModuleValueServesTwoServersEachWithItsOwnWorkerPool() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpModule.Builder builder = HttpModule.builder().redirectToHttps(false)
                .blocking("GET", "/count", req -> HttpResponse.text("call " + calls.incrementAndGet()));
        HttpModule module = builder.build();
        builder.get("/later", req -> HttpResponse.text("added after build"));
        try (TestServer a = TestServer.start(module); TestServer b = TestServer.start(module)) {
            assertEquals("call 1", Curl.run(a.http("/count")));
            assertEquals("call 2", Curl.run(b.http("/count")));
            a.close(); // stopping one server leaves the other (and its worker pool) serving
            assertEquals("call 3", Curl.run(b.http("/count")));
            assertEquals("404", Curl.run("-o", "/dev/null", "-w", "%{http_code}", b.http("/later")),
                    "a route added to the builder after build() is not in the module");
        }
    }

    @Test
    void theServerBuilderRefusesStartTlsForHttpInTheApisOwnTerms() {
        BerthException e = assertThrows(BerthException.class, () -> Server.builder()
                .module(new HttpModule())
                .listener(ListenerConfig.tcp("web").protocol("http").tlsMode(TlsMode.STARTTLS).build())
                .build());
        assertEquals("listener web: protocol http cannot serve TLS mode starttls; it serves none, implicit, optional",
                e.getMessage());
        assertEquals("listener.web.tlsMode", e.setting().orElseThrow());
    }
}
