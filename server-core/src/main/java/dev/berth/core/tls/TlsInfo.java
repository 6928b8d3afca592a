package dev.berth.core.tls;

import dev.berth.core.internal.tls.TlsHandlers;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What a handler may want to know about a connection's TLS: protocol, cipher suite, the SNI host
 * name the client asked for, and the client certificate it verified (if the listener asks for one).
 */
public final class TlsInfo {
    private final String protocol;
    private final String cipherSuite;
    private final String sniHostName;
    private final X509Certificate clientCertificate;

    private TlsInfo(String protocol, String cipherSuite, String sniHostName, X509Certificate clientCertificate) {
        this.protocol = protocol;
        this.cipherSuite = cipherSuite;
        this.sniHostName = sniHostName;
        this.clientCertificate = clientCertificate;
    }

    /** The TLS details of a connection whose handshake has completed; empty for plaintext or mid-handshake. */
    public static Optional<TlsInfo> of(Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null || !ssl.handshakeFuture().isSuccess()) {
            return Optional.empty();
        }
        SSLSession session = ssl.engine().getSession();
        X509Certificate client = null;
        try {
            Certificate[] peer = session.getPeerCertificates();
            if (peer.length > 0 && peer[0] instanceof X509Certificate) {
                client = (X509Certificate) peer[0]; // the handshake succeeded, so the trust manager verified it
            }
        } catch (SSLPeerUnverifiedException e) {
            // the client sent no certificate
        }
        return Optional.of(new TlsInfo(session.getProtocol(), session.getCipherSuite(),
                TlsHandlers.sniHostName(channel), client));
    }

    /** e.g. {@code TLSv1.3}. */
    public String protocol() {
        return protocol;
    }

    /** The IANA name, e.g. {@code TLS_AES_128_GCM_SHA256}. */
    public String cipherSuite() {
        return cipherSuite;
    }

    /** The host name the client sent in SNI, if any. */
    public Optional<String> sniHostName() {
        return Optional.ofNullable(sniHostName);
    }

    /** The client's verified certificate, when the listener asks for one and the client sent it. */
    public Optional<X509Certificate> clientCertificate() {
        return Optional.ofNullable(clientCertificate);
    }

    /** The verified client certificate's subject as an RFC 2253 name, e.g. {@code CN=alice,O=Example}. */
    public Optional<String> clientSubject() {
        return clientCertificate().map(c -> c.getSubjectX500Principal().getName());
    }

    @Override
    public String toString() {
        return protocol + " " + cipherSuite + (sniHostName == null ? "" : " sni=" + sniHostName)
                + clientSubject().map(s -> " client=" + s).orElse("");
    }
}
