package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a hostile client tries over a raw socket: smuggling, split writes, BDAT games, STARTTLS injection, address abuse, slowness. */
class SmtpAttackTest {
    private static final int MAX_SIZE = 64 * 1024;

    @TempDir
    static Path maildir;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer(maildir, SmtpConfig.builder().serverName("mx.test").maxMessageSize(MAX_SIZE)
                .commandTimeout(Duration.ofSeconds(2)).acceptedDomains(Set.of("example.com")).build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static SmtpTestClient greeted() throws IOException {
        SmtpTestClient c = server.connect();
        assertTrue(c.reply().startsWith("220 "));
        assertTrue(c.command("EHLO client.example").startsWith("250-"));
        return c;
    }

    private static List<Path> storedWith(String marker) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : server.delivered()) {
            if (Files.readString(p, StandardCharsets.ISO_8859_1).contains(marker)) {
                out.add(p);
            }
        }
        return out;
    }

    /** Gives the server time to read what was sent so far as its own TCP segment. */
    private static void pause() {
        try {
            Thread.sleep(150);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void theEndOfDataLineSplitAcrossTcpWritesStillEndsTheMessage() throws IOException {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient c = greeted()) {
            c.beginData("a@example.org", "b@example.com");
            c.send("Subject: " + marker + "\r\n\r\nbody\r");
            pause();
            c.send("\n.");
            pause();
            c.send("\r");
            pause();
            c.send("\n");
            assertTrue(c.reply().startsWith("250 2.0.0 OK queued as "));
        }
        assertEquals("Subject: " + marker + "\r\n\r\nbody\r\n", TestServer.body(storedWith(marker).get(0)));
    }

    @Test
    void aCrAtTheEndOfOneSegmentAndAnLfAtTheStartOfTheNextIsOneCommandLineEnd() throws IOException {
        try (SmtpTestClient c = greeted()) {
            c.send("NOOP\r");
            pause();
            c.send("\n");
            assertEquals("250 2.0.0 OK", c.reply());
        }
    }

    @Test
    void aLineOfExactly1000OctetsIsKeptAndOneOf1001RefusesTheMessage() throws IOException {
        String marker = UUID.randomUUID().toString();
        String longest = "x".repeat(998);
        try (SmtpTestClient c = greeted()) {
            c.beginData("a@example.org", "b@example.com");
            assertTrue(c.command("Subject: " + marker + "\r\n\r\n" + longest + "\r\n.").startsWith("250 "));
            c.beginData("a@example.org", "b@example.com");
            assertEquals("550 5.6.0 Message refused: a line is longer than 1000 octets",
                    c.command("Subject: " + marker + " too long\r\n\r\n" + longest + "y\r\n."));
        }
        List<Path> stored = storedWith(marker);
        assertEquals(1, stored.size());
        assertEquals("Subject: " + marker + "\r\n\r\n" + longest + "\r\n", TestServer.body(stored.get(0)));
    }

    @Test
    void anOverLongLineArrivingInPiecesStillLetsTheEndOfDataLineEndTheMessage() throws IOException {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient c = greeted()) {
            c.beginData("a@example.org", "b@example.com");
            c.send("Subject: " + marker + "\r\n\r\n" + "x".repeat(1500));
            pause();
            c.send("x".repeat(10));
            pause();
            c.send("\r\n.\r\n");
            assertEquals("550 5.6.0 Message refused: a line is longer than 1000 octets", c.reply());
            assertEquals("250 2.0.0 OK", c.command("NOOP"));
        }
        assertEquals(List.of(), storedWith(marker));
    }

    @Test
    void anOverLongLineWhoseCrEndsOneSegmentAndLfStartsTheNextIsOneLine() throws IOException {
        try (SmtpTestClient c = greeted()) {
            c.beginData("a@example.org", "b@example.com");
            c.send("x".repeat(1500) + "\r");
            pause();
            c.send("\n.\r\n");
            assertEquals("550 5.6.0 Message refused: a line is longer than 1000 octets", c.reply());
        }
    }

    @Test
    void controlCharactersInACommandAreRefusedAndNeverReachTheTraceHeader() throws IOException {
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            assertEquals("500 5.5.2 Control character in the command", c.command("EHLO evil\0host"));
            assertEquals("500 5.5.2 Control character in the command", c.command("HELO evil\u001bhost"));
            assertEquals("503 5.5.1 Bad sequence of commands: send EHLO or HELO first", c.command("MAIL FROM:<a@example.org>"));
        }
    }

    @Test
    void aBdatChunkSmallerThanTheBytesSentLeavesTheRestToBeReadAsCommands() throws IOException {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient c = greeted()) {
            c.command("MAIL FROM:<a@example.org>");
            c.command("RCPT TO:<b@example.com>");
            byte[] chunk = (marker + "\r\n").getBytes(StandardCharsets.US_ASCII);
            c.send("BDAT " + chunk.length + " LAST\r\n" + marker + "\r\nNOOP\r\n");
            assertTrue(c.reply().startsWith("250 2.0.0 OK queued as "));
            assertEquals("250 2.0.0 OK", c.reply());
        }
        assertEquals(marker + "\r\n", TestServer.body(storedWith(marker).get(0)));
    }

    @Test
    void aBdatChunkLargerThanTheBytesSentSwallowsCommandLikeTextAsContent() throws IOException {
        String marker = UUID.randomUUID().toString();
        String content = marker + "\r\n.\r\nQUIT\r\nMAIL FROM:<x@example.org>\r\n";
        try (SmtpTestClient c = greeted()) {
            c.command("MAIL FROM:<a@example.org>");
            c.command("RCPT TO:<b@example.com>");
            c.send("BDAT " + (content.length() + 4) + " LAST\r\n" + content);
            pause();
            c.send("tail");
            assertTrue(c.reply().startsWith("250 2.0.0 OK queued as "));
            assertEquals("250 2.0.0 OK", c.command("NOOP"));
        }
        assertEquals(content + "tail", TestServer.body(storedWith(marker).get(0)));
    }

    @Test
    void bdatZeroLastEndsAChunkedMessageAndDataCannotBeMixedIn() throws IOException {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient c = greeted()) {
            c.command("MAIL FROM:<a@example.org>");
            c.command("RCPT TO:<b@example.com>");
            byte[] chunk = (marker + "\r\n").getBytes(StandardCharsets.US_ASCII);
            c.send("BDAT " + chunk.length + "\r\n").send(chunk);
            assertEquals("250 2.0.0 " + chunk.length + " octets received", c.reply());
            assertEquals("503 5.5.1 Bad sequence of commands: BDAT in progress", c.command("DATA"));
            assertTrue(c.command("BDAT 0 LAST").startsWith("250 2.0.0 OK queued as "));
        }
        assertEquals(marker + "\r\n", TestServer.body(storedWith(marker).get(0)));
    }

    @Test
    void aPipelinedDataAfterARefusedRecipientIsRefusedAndItsBodyIsNotStored() throws IOException {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient c = greeted()) {
            c.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<victim@elsewhere.org>\r\nDATA\r\n"
                    + "Subject: " + marker + "\r\n.\r\nRSET\r\n");
            assertTrue(c.reply().startsWith("250 "));
            assertTrue(c.reply().startsWith("550 5.1.1 "));
            assertEquals("554 5.5.1 No valid recipients", c.reply());
            assertEquals("500 5.5.1 Command unrecognized", c.reply());
            assertEquals("500 5.5.1 Command unrecognized", c.reply());
            assertEquals("250 2.0.0 OK", c.reply());
        }
        assertEquals(List.of(), storedWith(marker));
    }

    @Test
    void startTlsSentTwiceInOneWriteLeavesNoPlaintextReplyInsideTls() throws IOException {
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            c.command("EHLO client.example");
            c.send("STARTTLS\r\nSTARTTLS\r\n");
            assertTrue(c.reply().startsWith("220 2.0.0 "));
            c.startTls();
            assertTrue(c.command("EHLO client.example").startsWith("250-mx.test"), "the second STARTTLS left no reply behind");
        }
    }

    @Test
    void startTlsInsideAPipelinedGroupDropsTheCommandsAfterIt() throws IOException {
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            c.send("EHLO client.example\r\nSTARTTLS\r\nMAIL FROM:<a@example.org>\r\n");
            assertTrue(c.reply().startsWith("250-"));
            assertTrue(c.reply().startsWith("220 2.0.0 "));
            c.startTls();
            assertEquals("503 5.5.1 Bad sequence of commands: send EHLO or HELO first", c.command("MAIL FROM:<a@example.org>"));
        }
    }

    @Test
    void aPlaintextCommandWhereTheClientHelloBelongsIsNeverAnswered() throws IOException {
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            c.command("EHLO client.example");
            assertTrue(c.command("STARTTLS").startsWith("220 "));
            c.send("NOOP\r\n");
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void addressAndParameterAbuseGetsTheRightRefusals() throws IOException {
        try (SmtpTestClient c = greeted()) {
            assertEquals("552 5.3.4 Message size exceeds fixed maximum message size",
                    c.command("MAIL FROM:<a@example.org> SIZE=99999999999999999999"));
            assertEquals("501 5.5.4 Syntax: SIZE=octets", c.command("MAIL FROM:<a@example.org> SIZE"));
            assertTrue(c.command("MAIL FROM:<a@example.org> BODY=").startsWith("501 "));
            assertTrue(c.command("MAIL FROM:<" + "l".repeat(65) + "@example.org>").startsWith("501 5.1.7 "));
            String domain = String.join(".", "d".repeat(60), "e".repeat(60), "f".repeat(60), "g".repeat(60), "h".repeat(60), "org");
            assertTrue(c.command("MAIL FROM:<a@" + domain + ">").startsWith("501 5.1.7 "), "a domain over 255 octets");
            assertEquals("553 5.6.7 Non-ASCII address needs the SMTPUTF8 parameter", c.command("MAIL FROM:<jösé@example.org>"));
            assertTrue(c.command("MAIL FROM:<@relay.one,@relay.two:a@example.org>").startsWith("250 "),
                    "a source route is accepted and ignored (RFC 5321 4.1.2)");
            assertTrue(c.command("RCPT TO:<@relay.one:b@example.com>").startsWith("250 "));
        }
    }

    @Test
    void aClientSendingOneByteAtATimeGetsTheCommandTimeoutForTheWholeLine() throws IOException {
        try (SmtpTestClient c = greeted()) {
            byte[] line = ("NOOP " + "x".repeat(40) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            long deadline = System.nanoTime() + Duration.ofSeconds(12).toNanos();
            try {
                for (int i = 0; i < line.length && System.nanoTime() < deadline; i++) {
                    c.send(new byte[] {line[i]});
                    Thread.sleep(300);
                }
            } catch (IOException | InterruptedException e) {
                // the server closed the connection: expected
            }
            assertEquals("421 4.4.2 Timeout, closing connection", c.reply());
        }
    }

    @Test
    void aMessageOverTheSizeLimitIsRefusedWith552AndNothingIsStored() throws IOException {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient c = greeted()) {
            c.beginData("a@example.org", "b@example.com");
            c.send("Subject: " + marker + "\r\n\r\n");
            String line = "y".repeat(998) + "\r\n";
            for (int i = 0; i < 2000; i++) { // about 2 MB, thirty times the limit
                c.send(line);
            }
            assertEquals("552 5.3.4 Message size exceeds fixed maximum message size", c.command("."));
            assertEquals("250 2.0.0 OK", c.command("NOOP"));
        }
        assertEquals(List.of(), storedWith(marker));
        assertEquals(List.of(), server.files("tmp"));
    }

    @Test
    void aBareLfInDataRefusesTheMessageWith550AndStoresNothing() throws IOException {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient c = greeted()) {
            c.beginData("a@example.org", "b@example.com");
            String reply = c.command("Subject: " + marker + "\r\n\r\nline\nmore\r\n.");
            assertTrue(reply.startsWith("550 5.6."), reply);
            assertNotEquals(null, c.command("NOOP"));
        }
        assertEquals(List.of(), storedWith(marker));
    }
}
