package dev.berth.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.berth.core.ListenerConfig;
import dev.berth.core.tls.TlsMode;
import example.upper.UpperEchoModule;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The test kit's generic extension: a real server on port 0 whose generated certificate a verifying client trusts. */
class BerthServerExtensionTest {
    @RegisterExtension
    static final BerthServerExtension server = BerthServerExtension.newBuilder()
            .module(new UpperEchoModule())
            .listener(ListenerConfig.tcp("upper").port(7070).build())
            .listener(ListenerConfig.tcp("upper-tls").protocol("upper").tlsMode(TlsMode.IMPLICIT).build())
            .build();

    @Test
    void listenersRunOnLoopbackOnAnEphemeralPortWhateverTheyAskedFor() {
        assertEquals("127.0.0.1", server.address("upper").getAddress().getHostAddress());
        assertNotEquals(7070, server.port("upper"));
    }

    @Test
    void aClientThatVerifiesTheCertificateAndTheHostNameTalksTls() throws Exception {
        try (SSLSocket s = (SSLSocket) server.clientContext().getSocketFactory()
                .createSocket("localhost", server.port("upper-tls"))) {
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS"); // host name checked against the certificate
            s.setSSLParameters(p);
            OutputStream out = s.getOutputStream();
            out.write("made in process\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("MADE IN PROCESS", in.readLine());
            assertEquals("CN=localhost", s.getSession().getPeerPrincipal().getName());
        }
    }
}
