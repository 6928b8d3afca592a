package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.BerthException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AUTH PLAIN and LOGIN (RFC 4954): offered only over TLS, checked against a users file of PBKDF2 hashes. */
class SmtpAuthTest {
    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        Path users = dir.resolve("users");
        Files.writeString(users, "# test users\n" + UsersFile.line("alice", "s3cret pass".toCharArray()) + "\n");
        server = new TestServer(dir.resolve("maildir"), SmtpConfig.builder().serverName("mx.test")
                .authenticator(UsersFile.load(users)).build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static SmtpTestClient overTls() throws IOException {
        SmtpTestClient c = server.connect();
        c.reply();
        c.command("EHLO client.example");
        c.command("STARTTLS");
        c.startTls();
        return c;
    }

    @Test
    void authIsNeitherOfferedNorAcceptedInPlaintext() throws IOException {
        try (SmtpTestClient c = server.connect()) {
            c.reply();
            assertFalse(c.command("EHLO client.example").contains("AUTH"));
            assertEquals("538 5.7.11 Encryption required for requested authentication mechanism",
                    c.command("AUTH PLAIN " + b64("\0alice\0s3cret pass")));
        }
    }

    @Test
    void plainWithAnInitialResponseAuthenticatesAndTheTraceHeaderSaysSo() throws IOException {
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient c = overTls()) {
            assertTrue(c.command("EHLO client.example").contains("\n250-AUTH PLAIN LOGIN\n"));
            assertEquals("535 5.7.8 Authentication credentials invalid", c.command("AUTH PLAIN " + b64("\0alice\0wrong")));
            assertEquals("535 5.7.8 Authentication credentials invalid", c.command("AUTH PLAIN " + b64("\0mallory\0s3cret pass")));
            assertEquals("235 2.7.0 Authentication successful", c.command("AUTH PLAIN " + b64("\0alice\0s3cret pass")));
            assertEquals("503 5.5.1 Already authenticated", c.command("AUTH PLAIN " + b64("\0alice\0s3cret pass")));
            assertFalse(c.command("EHLO client.example").contains("AUTH"));
            c.beginData("alice@example.org", "b@example.com");
            assertTrue(c.command("Subject: " + marker + "\r\n\r\nhi\r\n.").startsWith("250 "));
        }
        boolean found = false;
        for (Path p : server.delivered()) {
            String s = Files.readString(p);
            found |= s.contains(marker) && s.contains(" with ESMTPSA id ");
        }
        assertTrue(found);
    }

    @Test
    void authBeforeEhloAndAnOverLongResponseAreRefusedAndTheExchangeEnds() throws IOException {
        try (SmtpTestClient c = overTls()) {
            assertEquals("503 5.5.1 Bad sequence of commands: send EHLO first", c.command("AUTH PLAIN " + b64("\0alice\0s3cret pass")));
            c.command("EHLO client.example");
            assertEquals("334 ", c.command("AUTH PLAIN"));
            assertTrue(c.command("A".repeat(600)).startsWith("500 5.5.2 Line too long"));
            assertEquals("250 2.0.0 OK", c.command("NOOP"), "the next line is a command again, not a SASL response");
        }
    }

    @Test
    void loginAndPlainWithoutInitialResponseAskWith334() throws IOException {
        try (SmtpTestClient c = overTls()) {
            c.command("EHLO client.example");
            assertEquals("334 VXNlcm5hbWU6", c.command("AUTH LOGIN"));
            assertEquals("334 UGFzc3dvcmQ6", c.command(b64("alice")));
            assertEquals("235 2.7.0 Authentication successful", c.command(b64("s3cret pass")));
        }
        try (SmtpTestClient c = overTls()) {
            c.command("EHLO client.example");
            assertEquals("334 ", c.command("AUTH PLAIN"));
            assertEquals("501 5.0.0 Authentication canceled", c.command("*"));
            assertEquals("504 5.5.4 Unrecognized authentication type", c.command("AUTH CRAM-MD5"));
            assertEquals("334 ", c.command("AUTH PLAIN"));
            assertEquals("501 5.5.2 Cannot decode the base64 response", c.command("!!!"));
        }
    }

    @Test
    void aBadUsersFileLineFailsAtStartNamingTheFileAndLine() throws IOException {
        Path bad = dir.resolve("bad-users");
        Files.writeString(bad, "alice:md5:xyz\n");
        BerthException e = assertThrows(BerthException.class, () -> UsersFile.load(bad));
        assertTrue(e.getMessage().startsWith("SMTP users file " + bad + " line 1: no password scheme recognized"),
                e.getMessage());
    }
}
