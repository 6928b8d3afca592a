package dev.berth.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Server;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STARTTLS through {@link StartTls} (with the CVE-2011-0411 injection as a test) and OPTIONAL mode on one port. */
class StartTlsAndOptionalTest {
    @TempDir
    Path data;

    private static TlsConfig rsa() {
        return TlsConfig.builder().reloadInterval(Duration.ZERO)
                .certificateChain(TestPki.file("rsa-chain.pem")).privateKey(TestPki.file("rsa.key")).build();
    }

    private static String readLine(BufferedReader in) throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new AssertionError("the server closed the connection");
        }
        return line;
    }

    @Test
    void plaintextPipelinedAfterStartTlsNeverReachesTheProtocol() throws Exception {
        LineModule line = new LineModule();
        try (Server server = line.start(TlsMode.STARTTLS, rsa(), data);
             Socket plain = new Socket()) {
            InetSocketAddress address = server.localAddress("line");
            plain.connect(address, 10_000);
            plain.setSoTimeout(10_000);
            OutputStream out = plain.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
            out.write("REMEMBER-ME\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("ECHO REMEMBER-ME", readLine(in));
            // the attack: the command and a command to run "inside" TLS, in one write
            out.write("STARTTLS\r\nINJECTED\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("READY", readLine(in));
            SSLSocket tls = (SSLSocket) TestPki.trustingRoot().getSocketFactory()
                    .createSocket(plain, "localhost", address.getPort(), true);
            tls.startHandshake();
            BufferedReader tin = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream tout = tls.getOutputStream();
            tout.write("HISTORY\r\nINFO\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            tout.flush();
            List<String> replies = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                replies.add(readLine(tin));
            }
            assertEquals("HISTORY ", replies.get(0), "the protocol forgot what it learnt in plaintext");
            assertTrue(replies.get(1).startsWith("INFO TLSv1.3 "), replies.toString());
            assertEquals("BYE", replies.get(2));
        }
        assertEquals(List.of("REMEMBER-ME", "STARTTLS", "HISTORY", "INFO", "QUIT"), new ArrayList<>(line.received),
                "INJECTED never reached the protocol");
    }

    @Test
    void aFailedStartTlsHandshakeClosesTheConnection() throws Exception {
        LineModule line = new LineModule();
        try (Server server = line.start(TlsMode.STARTTLS, rsa(), data);
             Socket plain = new Socket()) {
            plain.connect(server.localAddress("line"), 10_000);
            plain.setSoTimeout(10_000);
            OutputStream out = plain.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
            out.write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("READY", readLine(in));
            out.write("this is not a ClientHello\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals(-1, drain(plain), "the server closes instead of answering");
        }
        assertEquals(List.of("STARTTLS"), new ArrayList<>(line.received));
    }

    /** Reads until end of stream, ignoring what a TLS alert may have written; -1 at end. */
    private static int drain(Socket s) throws IOException {
        byte[] buf = new byte[256];
        for (int i = 0; i < 100; i++) {
            if (s.getInputStream().read(buf) < 0) {
                return -1;
            }
        }
        return 0;
    }

    @Test
    void aStartTlsListenerDoesNotSpeakTlsBeforeTheCommand() {
        try (Server server = new LineModule().start(TlsMode.STARTTLS, rsa(), data)) {
            OpenSslClient.Result r = OpenSslClient.run(server.localAddress("line"), "QUIT\n");
            assertFalse(r.connected(), "a STARTTLS listener does not speak TLS first: " + r);
        }
    }

    @Test
    void anImplicitClientThatNeverStartsItsHandshakeIsClosedAfterTheTimeout() throws Exception {
        TlsConfig quick = rsa().toBuilder().handshakeTimeout(Duration.ofMillis(300)).build();
        try (Server server = new LineModule().start(TlsMode.IMPLICIT, quick, data);
             Socket silent = new Socket()) {
            silent.connect(server.localAddress("line"), 10_000);
            silent.setSoTimeout(20_000); // far longer than the handshake timeout: a close, not this, ends the read
            assertEquals(-1, silent.getInputStream().read(), "the server closed the silent connection");
        }
    }

    @Test
    void anOptionalListenerServesTlsAndPlaintextOnOnePort() throws Exception {
        LineModule line = new LineModule();
        try (Server server = line.start(TlsMode.OPTIONAL, rsa(), data)) {
            OpenSslClient.Result r = OpenSslClient.run(server.localAddress("line"), "INFO\nQUIT\n",
                    "-verify_return_error");
            assertTrue(r.output.contains("INFO TLSv1.3"), r.toString());
            try (Socket plain = new Socket()) {
                plain.connect(server.localAddress("line"), 10_000);
                plain.setSoTimeout(10_000);
                BufferedReader in = new BufferedReader(
                        new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
                // shorter than a TLS record header: decided on the first byte, not left waiting
                plain.getOutputStream().write("Q\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("ECHO Q", readLine(in));
                plain.getOutputStream().write("INFO\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("INFO plaintext", readLine(in));
            }
        }
    }
}
