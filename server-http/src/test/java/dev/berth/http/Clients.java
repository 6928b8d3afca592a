package dev.berth.http;

import java.net.http.HttpClient;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

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
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return c;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
