package dev.berth.launcher;

import java.util.Map;

/**
 * Maps a setting named by a {@link dev.berth.core.BerthException} in the API's terms ({@code listener.https.tlsMode},
 * {@code tls.privateKey}) to the flag a launcher user set it with ({@code --https-tls}, {@code --tls-key}).
 */
final class SettingFlags {
    private static final Map<String, String> LISTENER_FIELDS = Map.ofEntries(
            Map.entry("tlsMode", "tls"), Map.entry("host", "host"), Map.entry("port", "port"),
            Map.entry("transport", "enabled"), Map.entry("proxyProtocol", "proxy-protocol"),
            Map.entry("reusePort", "reuse-port"), Map.entry("limits", "max-connections"));
    private static final Map<String, String> TLS_FIELDS = Map.ofEntries(
            Map.entry("certificateChain", "tls-cert"), Map.entry("privateKey", "tls-key"),
            Map.entry("keyPassphrase", "tls-key-passphrase"), Map.entry("policy", "tls-policy"),
            Map.entry("protocols", "tls-protocols"), Map.entry("ciphers", "tls-ciphers"),
            Map.entry("handshakeTimeout", "tls-handshake-timeout"),
            Map.entry("secondCertificateChain", "tls-cert2"), Map.entry("secondPrivateKey", "tls-key2"),
            Map.entry("clientAuth", "tls-client-auth"), Map.entry("clientCaBundle", "tls-client-ca"),
            Map.entry("sniEntries", "tls-sni"), Map.entry("library", "tls-provider"),
            Map.entry("allowExpired", "tls-allow-expired"), Map.entry("reloadInterval", "tls-reload-interval"));

    private SettingFlags() {
    }

    /** {@code listener.NAME.FIELD} becomes {@code NAME-flag}; {@code tls.FIELD} its {@code tls-} flag. */
    static String flag(String setting) {
        String[] parts = setting.split("\\.");
        if (parts.length == 3 && parts[0].equals("listener")) {
            return parts[1] + "-" + LISTENER_FIELDS.getOrDefault(parts[2], kebab(parts[2]));
        }
        if (parts.length == 2 && parts[0].equals("tls")) {
            return TLS_FIELDS.getOrDefault(parts[1], "tls-" + kebab(parts[1]));
        }
        if (setting.equals("ioTransport")) {
            return "transport";
        }
        return kebab(setting.replace('.', '-'));
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
