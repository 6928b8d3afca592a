package dev.berth.core.internal.admin;

import dev.berth.core.internal.Json;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Writes the {@code /info} document: the version, each listener's real address, and the certificates it serves. */
public final class InfoJson {
    private InfoJson() {
    }

    /** One listener as {@code /info} shows it; {@code certificates} by SNI bucket, empty without TLS. */
    public record Listener(String name, String transport, String host, int port, String protocol, String tls,
                           Map<String, X509Certificate> certificates) {
    }

    public static String render(String version, List<Listener> listeners, Instant now) {
        StringBuilder b = new StringBuilder("{\n  \"version\": ").append(Json.quote(version))
                .append(",\n  \"listeners\": [");
        for (int i = 0; i < listeners.size(); i++) {
            Listener l = listeners.get(i);
            b.append(i == 0 ? "\n" : ",\n").append("    {\"name\": ").append(Json.quote(l.name()))
                    .append(", \"transport\": ").append(Json.quote(l.transport()))
                    .append(", \"host\": ").append(Json.quote(l.host()))
                    .append(", \"port\": ").append(l.port())
                    .append(", \"protocol\": ").append(Json.quote(l.protocol()))
                    .append(", \"tls\": ").append(Json.quote(l.tls()))
                    .append(", \"certificates\": [");
            int j = 0;
            for (Map.Entry<String, X509Certificate> e : l.certificates().entrySet()) {
                X509Certificate c = e.getValue();
                Instant notAfter = c.getNotAfter().toInstant();
                b.append(j++ == 0 ? "\n" : ",\n").append("      {\"sni\": ").append(Json.quote(e.getKey()))
                        .append(", \"subject\": ").append(Json.quote(c.getSubjectX500Principal().getName()))
                        .append(", \"issuer\": ").append(Json.quote(c.getIssuerX500Principal().getName()))
                        .append(", \"notAfter\": ").append(Json.quote(notAfter.toString()))
                        .append(", \"daysLeft\": ").append(Duration.between(now, notAfter).toDays()).append('}');
            }
            b.append(j == 0 ? "]}" : "\n    ]}");
        }
        return b.append(listeners.isEmpty() ? "]\n}\n" : "\n  ]\n}\n").toString();
    }
}
