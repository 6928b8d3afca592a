package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Cidr;
import dev.berth.core.ListenerConfig;
import dev.berth.core.ProxyProtocol;
import dev.berth.core.ProxyProtocolConfig;
import dev.berth.core.testing.BerthServerExtension;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Behind a trusted proxy, handlers and the access log see the client address from the PROXY header. */
class ProxiedClientAddressTest {

    @Test
    void theRequestCarriesTheAddressFromTheProxyHeader() throws Exception {
        BerthServerExtension server = BerthServerExtension.newBuilder()
                .listener(ListenerConfig.tcp("web").protocol("http")
                        .proxyProtocol(ProxyProtocolConfig.of(ProxyProtocol.ON, List.of(Cidr.parse("127.0.0.0/8"))))
                        .build())
                .module(HttpModule.builder().get("/who", r -> HttpResponse.text(r.remoteAddress().getAddress().getHostAddress()))
                        .build())
                .build();
        server.start();
        try (LogCapture log = new LogCapture("berth.http.access");
             RawClient c = new RawClient(server.port("web"))) {
            String answer = c.send("PROXY TCP4 203.0.113.9 192.0.2.1 40000 80\r\nGET /who HTTP/1.1\r\nHost: x\r\n\r\n")
                    .readResponse();
            assertTrue(answer.endsWith("203.0.113.9"), answer);
            assertTrue(log.await("GET /who").startsWith("203.0.113.9 - - ["));
        } finally {
            server.stop();
        }
    }
}
