package dev.berth.http;

import dev.berth.core.testing.TrustAll;
import java.net.http.HttpClient;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** JDK HttpClients for tests: one that trusts the server's self-signed test certificate. */
final class Clients {
    static {
        // the test certificate is self-signed and the server is reached by IP address
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
    }

    private Clients() {
    }

    static HttpClient client(HttpClient.Version version) {
        return HttpClient.newBuilder().version(version).sslContext(trustAll())
                .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    static SSLContext trustAll() {
        return TrustAll.context();
    }
}
