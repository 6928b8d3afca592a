package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 5321 over a real socket: replies, address forms, line discipline, DATA, pipelining, BDAT, SMTPUTF8. */
class SmtpProtocolTest {
    @TempDir
    static Path maildir;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(maildir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static SmtpTestClient greeted() throws IOException {
        SmtpTestClient c = server.connect();
        assertTrue(c.reply().startsWith("220 mx.test "));
        assertTrue(c.command("EHLO client.example").startsWith("250-mx.test"));
        return c;
    }

    static List<Path> storedWith(String marker) throws IOException {
        List<Path> out = new java.util.ArrayList<>();
        for (Path p : server.delivered()) {
            if (Files.readString(p, StandardCharsets.UTF_8).contains(marker)) {
                out.add(p);
            }
        }
        return out;
    }

    @Test
    void ehloAdvertisesTheExtensionsAvailableInPlaintextAndNoAuthWithoutAnAuthenticator() throws IOException {
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            List<String> ext = List.of(c.command("EHLO client.example").split("\n")).stream()
                    .map(l -> l.substring(4)).collect(Collectors.toList());
            assertEquals(List.of("mx.test greets client.example", "PIPELINING", "SIZE 26214400", "8BITMIME",
                    "ENHANCEDSTATUSCODES", "SMTPUTF8", "CHUNKING", "STARTTLS", "HELP"), ext);
        }
    }

    @Test
    void everyMistakeGetsItsOwnReplyWithAnEnhancedStatusCode() throws IOException {
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            assertEquals("503 5.5.1 Bad sequence of commands: send EHLO or HELO first", c.command("MAIL FROM:<a@example.org>"));
            assertEquals("500 5.5.1 Command unrecognized", c.command("FOO bar"));
            assertEquals("501 5.5.4 Syntax: EHLO hostname", c.command("EHLO"));
            assertEquals("250 mx.test", c.command("HELO client.example"));
            assertEquals("503 5.5.1 Bad sequence of commands: need MAIL first", c.command("RCPT TO:<b@example.com>"));
            assertEquals("503 5.5.1 Bad sequence of commands: need MAIL first", c.command("DATA"));
            assertEquals("501 5.5.4 Syntax: MAIL FROM:<address>", c.command("MAIL TO:<a@example.org>"));
            assertTrue(c.command("MAIL FROM:<a@@example.org>").startsWith("501 5.1.7 "));
            assertEquals("555 5.5.4 MAIL parameter FOO not recognized", c.command("MAIL FROM:<a@example.org> FOO=1"));
            assertEquals("501 5.5.4 Syntax: SIZE=octets", c.command("MAIL FROM:<a@example.org> SIZE=big"));
        }
        try (SmtpTestClient c = greeted()) {
            assertEquals("250 2.1.0 Sender OK", c.command("MAIL FROM:<a@example.org>"));
            assertEquals("503 5.5.1 Bad sequence of commands: nested MAIL", c.command("MAIL FROM:<a@example.org>"));
            assertEquals("554 5.5.1 No valid recipients", c.command("DATA"));
            assertTrue(c.command("RCPT TO:<>").startsWith("501 5.1.3 "));
            assertEquals("555 5.5.4 RCPT parameter NOTIFY not recognized", c.command("RCPT TO:<b@example.com> NOTIFY=NEVER"));
            assertEquals("553 5.6.7 Non-ASCII address needs SMTPUTF8 on MAIL FROM", c.command("RCPT TO:<jösé@example.com>"));
            assertEquals("501 5.5.4 Syntax: DATA", c.command("DATA now"));
            assertTrue(c.command("VRFY bob").startsWith("252 2.5.0 "));
            assertEquals("501 5.5.4 Syntax: VRFY address", c.command("VRFY"));
            assertEquals("502 5.5.1 Command not implemented", c.command("EXPN staff"));
            assertTrue(c.command("HELP").startsWith("214-2.0.0 Commands: EHLO"));
            assertEquals("250 2.0.0 OK", c.command("NOOP"));
            assertEquals("501 5.5.4 Syntax: RSET", c.command("RSET now"));
            assertEquals("250 2.0.0 OK", c.command("RSET"));
            assertEquals("221 2.0.0 Bye", c.command("QUIT"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void aCommandWithABareLineEndIsRefusedAndTheSessionGoesOn() throws IOException {
        try (SmtpTestClient c = greeted()) {
            c.send("NOOP\nRSET\r\n");
            assertEquals("500 5.5.2 Bare CR or LF: command lines end with CRLF", c.reply());
            assertEquals("250 2.0.0 OK", c.reply(), "a bare LF ended the bad line; what follows is the next line");
            assertEquals("500 5.5.2 Bare CR or LF: command lines end with CRLF", c.command("NOOP\rRSET"));
            assertEquals("250 2.0.0 OK", c.command("NOOP"));
        }
    }

    @Test
    void aCommandLineLongerThan512OctetsGets500() throws IOException {
        try (SmtpTestClient c = greeted()) {
            assertEquals("500 5.5.2 Line too long: at most 512 octets", c.command("NOOP " + "x".repeat(600)));
            assertEquals("250 2.0.0 OK", c.command("NOOP"));
        }
    }

    @Test
    void theNullReversePathAndAQuotedLocalPartAreAcceptedAndStored() throws IOException {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient c = greeted()) {
            assertEquals("250 2.1.0 Sender OK", c.command("MAIL FROM:<>"));
            assertEquals("250 2.1.5 Recipient OK", c.command("RCPT TO:<\"john smith\"@example.com>"));
            assertEquals("250 2.1.5 Recipient OK", c.command("RCPT TO:<postmaster>"));
            assertTrue(c.command("DATA").startsWith("354 "));
            assertTrue(c.command("Subject: " + marker + "\r\n\r\nbounce\r\n.").startsWith("250 2.0.0 OK queued as "));
        }
        List<Path> stored = storedWith(marker);
        assertEquals(1, stored.size());
        assertTrue(Files.readString(stored.get(0)).startsWith("Return-Path: <>\r\nReceived: from client.example ([127.0.0.1])\r\n\tby mx.test (Berth) with ESMTP id "));
    }

    @Test
    void dotStuffedLinesAreStoredExactlyAsTheyWereBeforeStuffing() throws IOException {
        String marker = UUID.randomUUID().toString();
        String original = "Subject: " + marker + "\r\n\r\n.\r\n..\r\n.leading\r\n. \r\n\r\ntrailing .\r\n\u00e9t\u00e9 8bit\r\n";
        String stuffed = original.replace("\r\n.", "\r\n..");
        try (SmtpTestClient c = greeted()) {
            c.command("MAIL FROM:<a@example.org> BODY=8BITMIME");
            c.command("RCPT TO:<b@example.com>");
            c.command("DATA");
            assertTrue(c.command(stuffed + ".").startsWith("250 "));
        }
        assertEquals(original, TestServer.body(storedWith(marker).get(0)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n", "\r.\r\n", "\r\n.\r"})
    void aSmugglingSequenceInDataRefusesTheMessageAndStoresNoSecondMessage(String sequence) throws IOException {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient c = greeted()) {
            c.beginData("a@example.org", "b@example.com");
            c.send("Subject: first " + marker + "\r\n\r\nbody" + sequence
                    + "MAIL FROM:<admin@example.com>\r\nRCPT TO:<victim@example.com>\r\nDATA\r\n"
                    + "Subject: smuggled " + marker + "\r\n\r\nevil\r\n.\r\n");
            assertEquals("550 5.6.0 Message refused: bare CR or LF in the message; lines end with CRLF", c.reply());
            assertEquals("250 2.0.0 OK", c.command("NOOP"), "the session is still in step");
        }
        assertEquals(List.of(), storedWith(marker));
    }

    @Test
    void aMessageLineLongerThan1000OctetsRefusesTheMessage() throws IOException {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient c = greeted()) {
            c.beginData("a@example.org", "b@example.com");
            assertEquals("550 5.6.0 Message refused: a line is longer than 1000 octets",
                    c.command("Subject: " + marker + "\r\n\r\n" + "x".repeat(1200) + "\r\n."));
            assertEquals("250 2.0.0 OK", c.command("NOOP"));
        }
        assertEquals(List.of(), storedWith(marker));
    }

    @Test
    void aPipelinedBatchGetsOneReplyPerCommandInOrder() throws IOException {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            c.send("EHLO client.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.com>\r\n"
                    + "RCPT TO:<bad address>\r\nRCPT TO:<c@example.com>\r\nDATA\r\n");
            assertTrue(c.reply().startsWith("250-mx.test"));
            assertEquals("250 2.1.0 Sender OK", c.reply());
            assertEquals("250 2.1.5 Recipient OK", c.reply());
            assertTrue(c.reply().startsWith("501 5.1.3 "));
            assertEquals("250 2.1.5 Recipient OK", c.reply());
            assertTrue(c.reply().startsWith("354 "));
            c.send("Subject: " + marker + "\r\n\r\nhi\r\n.\r\nMAIL FROM:<d@example.org>\r\nRCPT TO:<e@example.com>\r\nQUIT\r\n");
            assertTrue(c.reply().startsWith("250 2.0.0 OK queued as "));
            assertEquals("250 2.1.0 Sender OK", c.reply());
            assertEquals("250 2.1.5 Recipient OK", c.reply());
            assertEquals("221 2.0.0 Bye", c.reply());
        }
        assertTrue(Files.readString(storedWith(marker).get(0)).contains("Received: from client.example"));
    }

    @Test
    void bdatChunksAreJoinedIntoOneMessageStoredByteForByte() throws IOException {
        String marker = UUID.randomUUID().toString();
        String part1 = "Subject: " + marker + "\r\n\r\nline one\r\n.dot kept\r\n";
        String part2 = "binary-ish \n bare LF kept\r\n";
        try (SmtpTestClient c = greeted()) {
            c.command("MAIL FROM:<a@example.org>");
            c.command("RCPT TO:<b@example.com>");
            byte[] b1 = part1.getBytes(StandardCharsets.UTF_8);
            c.send("BDAT " + b1.length + "\r\n").send(b1);
            assertEquals("250 2.0.0 " + b1.length + " octets received", c.reply());
            byte[] b2 = part2.getBytes(StandardCharsets.UTF_8);
            c.send("BDAT " + b2.length + " LAST\r\n").send(b2);
            assertTrue(c.reply().startsWith("250 2.0.0 OK queued as "));
            assertEquals("250 2.0.0 OK", c.command("NOOP"));
        }
        assertEquals(part1 + part2, TestServer.body(storedWith(marker).get(0)));
    }

    @Test
    void aBdatChunkWithoutATransactionIsReadAndRefused() throws IOException {
        try (SmtpTestClient c = greeted()) {
            c.send("BDAT 12 LAST\r\nNOOP\r\nNOOP\r\n");
            assertEquals("503 5.5.1 Bad sequence of commands: need MAIL first", c.reply());
            assertEquals("250 2.0.0 OK", c.command("NOOP"));
            assertEquals("501 5.5.4 Syntax: BDAT octets [LAST]", c.command("BDAT many"));
        }
    }

    @Test
    void utf8AddressesAreAcceptedWithSmtpUtf8AndRefusedWithout() throws IOException {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient c = greeted()) {
            assertEquals("553 5.6.7 Non-ASCII address needs the SMTPUTF8 parameter", c.command("MAIL FROM:<jösé@exämple.org>"));
            assertEquals("250 2.1.0 Sender OK", c.command("MAIL FROM:<jösé@exämple.org> SMTPUTF8"));
            assertEquals("250 2.1.5 Recipient OK", c.command("RCPT TO:<用户@例子.广告>"));
            c.command("DATA");
            assertTrue(c.command("Subject: " + marker + " ünïcödé\r\n\r\nhi\r\n.").startsWith("250 "));
        }
        String stored = Files.readString(storedWith(marker).get(0), StandardCharsets.UTF_8);
        assertTrue(stored.startsWith("Return-Path: <jösé@exämple.org>\r\n"));
        assertTrue(stored.contains(" with UTF8SMTP id "));
        assertTrue(stored.contains("for <用户@例子.广告>;"));
    }

    @Test
    void aCommandThatIsNotUtf8IsRefused() throws IOException {
        try (SmtpTestClient c = greeted()) {
            c.send(new byte[] {'N', 'O', 'O', 'P', ' ', (byte) 0xff, '\r', '\n'});
            assertEquals("500 5.5.2 Command is not valid UTF-8", c.reply());
            assertFalse(c.command("NOOP").isEmpty());
        }
    }

    @Test
    void aClientThatDisconnectsMidMessageOrResetsBetweenChunksLeavesNoFileBehind() throws Exception {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient c = greeted()) {
            c.beginData("a@example.org", "b@example.com");
            c.send("Subject: " + marker + "\r\n\r\n" + "half a message\r\n".repeat(2000));
        }
        try (SmtpTestClient c = greeted()) {
            c.command("MAIL FROM:<a@example.org>");
            c.command("RCPT TO:<b@example.com>");
            c.send("BDAT 40\r\n").send(("Subject: " + marker + "\r\n\r\n").substring(0, 40));
            assertEquals("250 2.0.0 40 octets received", c.reply());
            assertEquals("250 2.0.0 OK", c.command("RSET"));
            assertEquals("503 5.5.1 Bad sequence of commands: need MAIL first", c.command("BDAT 0 LAST"));
        }
        for (int i = 0; i < 200 && !server.files("tmp").isEmpty(); i++) {
            Thread.sleep(25);
        }
        assertEquals(List.of(), server.files("tmp"));
        assertEquals(List.of(), storedWith(marker));
    }
}
