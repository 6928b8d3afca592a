package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.smtp.ClientProcess.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real SMTP clients against the server: swaks, Python's smtplib, openssl s_client and curl. Each
 * needs its Debian package (see .ci/packages.d/smtp.txt); a missing tool fails the test by name.
 */
class RealClientsTest {
    @TempDir
    static Path dir;
    static TestServer server;
    static String port;

    @BeforeAll
    static void start() throws Exception {
        Path users = dir.resolve("users");
        Result bcrypt = ClientProcess.run(dir, List.of("htpasswd", "-nbB", "-C", "5", "bob", "through the glass"), null);
        assertEquals(0, bcrypt.exit(), bcrypt.output());
        Files.writeString(users, UsersFile.line("alice", "wonder land".toCharArray()) + "\n" + bcrypt.output().trim() + "\n");
        server = new TestServer(dir.resolve("maildir"), SmtpConfig.builder().serverName("mx.test")
                .authenticator(UsersFile.load(users)).build());
        port = Integer.toString(server.address().getPort());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Result run(List<String> command, String stdin) throws Exception {
        return ClientProcess.run(dir, command, stdin);
    }

    private static String stored(String marker) throws IOException {
        for (Path p : server.delivered()) {
            String s = Files.readString(p, StandardCharsets.UTF_8);
            if (s.contains(marker)) {
                return s;
            }
        }
        throw new AssertionError("no stored message contains " + marker);
    }

    private static List<String> swaks(String marker, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1", "--port", port,
                "--from", "sender@example.org", "--to", "rcpt@example.com", "--helo", "swaks.example",
                "--header", "Subject: " + marker));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    @Test
    void swaksDeliversInPlaintext() throws Exception {
        String marker = UUID.randomUUID().toString();
        Result r = run(swaks(marker), null);
        assertEquals(0, r.exit(), r.output());
        assertTrue(stored(marker).contains("with ESMTP id "));
    }

    @Test
    void swaksDeliversOverStartTlsWithPipelining() throws Exception {
        String marker = UUID.randomUUID().toString();
        Result r = run(swaks(marker, "--tls", "--pipeline"), null);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("<~  220 2.0.0 Ready to start TLS") || r.output().contains("220 2.0.0 Ready to start TLS"), r.output());
        assertTrue(stored(marker).contains("with ESMTPS id "));
    }

    @Test
    void swaksAuthenticatesWithPlainAndLoginOverStartTls() throws Exception {
        for (String mechanism : new String[] {"PLAIN", "LOGIN"}) {
            String marker = UUID.randomUUID().toString();
            Result r = run(swaks(marker, "--tls", "--auth", mechanism, "--auth-user", "alice",
                    "--auth-password", "wonder land"), null);
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("235 2.7.0 Authentication successful"), r.output());
            assertTrue(stored(marker).contains("with ESMTPSA id "));
        }
        Result bad = run(swaks("x", "--tls", "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "wrong"), null);
        assertTrue(bad.output().contains("535 5.7.8"), bad.output());
    }

    @Test
    void swaksAuthenticatesABcryptUserThatHtpasswdMade() throws Exception {
        String marker = UUID.randomUUID().toString();
        Result r = run(swaks(marker, "--tls", "--auth", "PLAIN", "--auth-user", "bob", "--auth-password", "through the glass"),
                null);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("235 2.7.0 Authentication successful"), r.output());
        assertTrue(stored(marker).contains("with ESMTPSA id "));
        Result bad = run(swaks("x", "--tls", "--auth", "PLAIN", "--auth-user", "bob", "--auth-password", "wonder land"), null);
        assertTrue(bad.output().contains("535 5.7.8"), bad.output());
    }

    @Test
    void pythonSmtplibDeliversWithStartTlsAndSendMessage() throws Exception {
        String marker = UUID.randomUUID().toString();
        String script = String.join("\n",
                "import smtplib, ssl, sys",
                "from email.message import EmailMessage",
                "ctx = ssl.create_default_context()",
                "ctx.check_hostname = False",
                "ctx.verify_mode = ssl.CERT_NONE",
                "m = EmailMessage()",
                "m['From'] = 'py@example.org'",
                "m['To'] = 'rcpt@example.com'",
                "m['Subject'] = sys.argv[2]",
                "m.set_content('Hello from smtplib.\\n.starts with a dot\\n')",
                "with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='py.example') as s:",
                "    s.starttls(context=ctx)",
                "    s.ehlo('py.example')",
                "    assert 'starttls' not in s.esmtp_features",
                "    s.send_message(m)",
                "print('sent')", "");
        Result r = run(List.of("python3", "-c", script, port, marker), null);
        assertEquals(0, r.exit(), r.output());
        String s = stored(marker);
        assertTrue(s.contains("with ESMTPS id ") && s.contains("\r\n.starts with a dot\r\n"), s);
    }

    @Test
    void pythonSmtplibSendsToUtf8AddressesWithSmtpUtf8() throws Exception {
        String marker = UUID.randomUUID().toString();
        String script = String.join("\n",
                "import smtplib, sys",
                "from email.message import EmailMessage",
                "from email import policy",
                "m = EmailMessage(policy=policy.SMTPUTF8)",
                "m['From'] = 'jösé@exämple.org'",
                "m['To'] = '用户@例子.广告'",
                "m['Subject'] = sys.argv[2] + ' ünïcödé'",
                "m.set_content('Grüße\\n')",
                "with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as s:",
                "    s.ehlo()",
                "    assert s.has_extn('smtputf8')",
                "    s.send_message(m)",
                "print('sent')", "");
        Result r = run(List.of("python3", "-c", script, port, marker), null);
        assertEquals(0, r.exit(), r.output());
        String s = stored(marker);
        assertTrue(s.startsWith("Return-Path: <jösé@exämple.org>\r\n"), s);
        assertTrue(s.contains(" with UTF8SMTP id ") && s.contains("for <用户@例子.广告>;") && s.contains(marker + " ünïcödé"), s);
    }

    @Test
    void opensslSClientSpeaksStartTlsSmtp() throws Exception {
        String marker = UUID.randomUUID().toString();
        String session = "EHLO openssl.example\nMAIL FROM:<o@example.org>\nRCPT TO:<rcpt@example.com>\nDATA\n"
                + "Subject: " + marker + "\n\nvia s_client\n.\nQUIT\n";
        Result r = run(List.of("openssl", "s_client", "-starttls", "smtp", "-connect", "127.0.0.1:" + port,
                "-crlf", "-quiet", "-nocommands"), session);
        assertTrue(r.output().contains("250 2.0.0 OK queued as "), r.output());
        assertTrue(r.output().contains("221 2.0.0 Bye"), r.output());
        assertTrue(stored(marker).contains("with ESMTPS id "));
    }

    @Test
    void curlDeliversWithSslRequired() throws Exception {
        String marker = UUID.randomUUID().toString();
        Path mail = dir.resolve("curl-mail.txt");
        Files.writeString(mail, "From: c@example.org\r\nTo: rcpt@example.com\r\nSubject: " + marker + "\r\n\r\nvia curl\r\n");
        Result r = run(List.of("curl", "-sS", "--ssl-reqd", "-k", "smtp://127.0.0.1:" + port, "--mail-from", "c@example.org",
                "--mail-rcpt", "rcpt@example.com", "--upload-file", mail.toString()), null);
        assertEquals(0, r.exit(), r.output());
        assertTrue(stored(marker).contains("with ESMTPS id "));
    }
}
