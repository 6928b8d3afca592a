package dev.berth.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.testing.LineClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The greeting service on port 0, talked to with socat, ncat and a plain socket. */
@Timeout(60)
class GreetingOverTcpTest {
    static final String GREETING = "Hello! The time is \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)\r\n";

    @TempDir
    Path dir;

    private Server server;
    private String port;

    @BeforeEach
    void start() {
        GreetingSettings settings = GreetingSettings.defaults().withMaxMessage(100).withTimeout(Duration.ofSeconds(1));
        server = Server.builder().dataDirectory(dir).module(new GreetingModule(settings))
                .listener(ListenerConfig.tcp("greeting").host("127.0.0.1").build())
                .build().start();
        port = String.valueOf(server.localAddress("greeting").getPort());
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    @Test
    void socatIsGreetedAndHearsItsMessageRepeatedBack() throws Exception {
        String out = text(Cli.run("hi there\n", "socat", "-t", "30", "-", "TCP:127.0.0.1:" + port));
        assertTrue(out.matches(GREETING + "You have sent: \\[hi there]\r\n"), out);
    }

    @Test
    void ncatWithACrlfLineIsAnsweredTheSameWay() throws Exception {
        String out = text(Cli.run("from ncat\r\n", "ncat", "127.0.0.1", port));
        assertTrue(out.matches(GREETING + "You have sent: \\[from ncat]\r\n"), out);
    }

    @Test
    void aMessageWithoutALineEndIsAnsweredWhenSocatReachesTheEndOfItsInput() throws Exception {
        String out = text(Cli.run("no line end", "socat", "-t", "30", "-", "TCP:127.0.0.1:" + port));
        assertTrue(out.matches(GREETING + "You have sent: \\[no line end]\r\n"), out);
    }

    @Test
    void anOverLongMessageGetsOneErrorLineAndTheConnectionCloses() throws Exception {
        String out = text(Cli.run("x".repeat(2000) + "\n", "socat", "-t", "30", "-", "TCP:127.0.0.1:" + port));
        assertTrue(out.matches(GREETING + "Your message is longer than 100 bytes\\.\r\n"), out);
    }

    @Test
    void aClientThatSaysNothingIsToldSoAndClosedAfterTheTimeout() throws Exception {
        try (LineClient c = new LineClient(server.localAddress("greeting"), 30_000)) {
            assertTrue((c.readLine() + "\r\n").matches(GREETING));
            assertEquals("Goodbye: no message came in time.", c.readLine());
            assertTrue(c.closedByServer());
        }
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
