package dev.berth.it.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.DeployedServer;
import dev.berth.it.support.Maildir;
import dev.berth.it.support.ModuleJars;
import dev.berth.it.support.Program;
import dev.berth.it.support.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployed server-smtp jar against swaks, Python's smtplib, msmtp, curl and postfix's
 * smtp-source; after each, the message is read back from the Maildir and compared byte for byte.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmtpClientsTest {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(120);
    private static final String PASSWORD = "correct horse battery";

    @TempDir
    static Path dir;

    private TestPki pki;
    private DeployedServer server;
    private Maildir maildir;

    @BeforeAll
    void deploy() throws Exception {
        pki = TestPki.create(dir.resolve("pki"));
        // The users file is made the way the SMTP docs say: the module's own tool, password on stdin.
        Program.Result user = Program.require("java", "openjdk-17-jre-headless")
                .args("-cp", ModuleJars.of("server-smtp").toString(), "dev.berth.smtp.UsersFile", "alice")
                .stdin(PASSWORD + "\n").timeout(CLIENT_TIMEOUT).run().assertSuccess();
        Path users = Files.writeString(dir.resolve("users.txt"), user.stdout());
        server = pki.configure(DeployedServer.of("server-smtp", dir.resolve("server")).listener("smtp")
                .flag("smtp-hostname", "mx.it.test").flag("smtp-users", users.toString())).start();
        maildir = new Maildir(server.dataDir().resolve("maildir"));
    }

    @AfterAll
    void stop() {
        DeployedServer.stopAll(server);
    }

    /** A message with CRLF lines, a line that needs dot-stuffing and a marker to find it by. */
    static byte[] message(String marker) {
        return String.join("\r\n",
                "From: Alice <alice@example.org>",
                "To: Bob <bob@example.com>",
                "Date: Thu, 26 Nov 2026 02:00:00 +0000",
                "Message-ID: <" + marker + "@it.berth.dev>",
                "Subject: " + marker,
                "",
                "First line of " + marker + ".",
                ".a line that starts with a dot",
                "..and one with two",
                "",
                "Last line.",
                "").getBytes(StandardCharsets.US_ASCII);
    }

    /** swaks always sends CRLF . CRLF after the data, so a file ending in CRLF would gain an empty line. */
    private static byte[] withoutLastLineEnd(byte[] message) {
        return java.util.Arrays.copyOf(message, message.length - 2);
    }

    private Path file(String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }

    private String smtpHostPort() {
        return server.listener("smtp").hostPort();
    }

    private Program.Result swaks(String marker, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--server", smtpHostPort(), "--from", "alice@example.org",
                "--to", "bob@example.com", "--tls", "--tls-verify", "--tls-ca-path", pki.rootCa().toString(),
                "--data", "@" + file(marker + ".eml", withoutLastLineEnd(message(marker)))));
        args.addAll(List.of(extra));
        return Program.require("swaks", "swaks").args(args).timeout(CLIENT_TIMEOUT).run();
    }

    @Test
    void swaksDeliversOverStartTlsAndTheMaildirHoldsExactlyItsMessage() throws Exception {
        Program.Result r = swaks("swaks-starttls").assertSuccess();
        // "<-" is plaintext, "<~" inside TLS: the message was accepted inside the STARTTLS session.
        assertTrue(r.stdout().contains(" -> STARTTLS\n<-  220 ") && r.stdout().contains("=== TLS started")
                && r.stdout().contains("<~  250 2.0.0"), r::describe);
        String trace = Maildir.assertStoredExactly(message("swaks-starttls"), maildir.messageContaining("swaks-starttls"));
        assertTrue(trace.contains("with ESMTPS") && trace.contains("using TLSv1."), trace);
        assertTrue(trace.contains("by mx.it.test"), trace);
    }

    @Test
    void swaksPipelinesItsEnvelopeAndTheMessageArrivesWhole() throws Exception {
        Program.Result r = swaks("swaks-pipelining", "--pipeline").assertSuccess();
        assertTrue(r.stdout().contains("PIPELINING"), r::describe);
        Maildir.assertStoredExactly(message("swaks-pipelining"), maildir.messageContaining("swaks-pipelining"));
    }

    @Test
    void swaksAuthenticatesWithPlainAfterStartTls() throws Exception {
        Program.Result r = swaks("swaks-auth", "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", PASSWORD)
                .assertSuccess();
        assertTrue(r.stdout().contains("<~  235 "), r::describe);
        String trace = Maildir.assertStoredExactly(message("swaks-auth"), maildir.messageContaining("swaks-auth"));
        assertTrue(trace.contains("with ESMTPSA"), trace);
    }

    @Test
    void swaksWithAWrongPasswordIsRefusedAndNothingIsStored() throws Exception {
        Program.Result r = swaks("swaks-bad-auth", "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "wrong");
        assertTrue(r.exitCode() != 0 && r.stdout().contains("<~* 535 5.7.8"), r::describe);
        assertTrue(maildir.messages().stream().noneMatch(p -> new String(Maildir.read(p), StandardCharsets.ISO_8859_1)
                .contains("swaks-bad-auth")));
    }

    @Test
    void pythonSmtplibDeliversOverStartTlsWithVerification() throws Exception {
        Path mail = file("python.eml", message("python-smtplib"));
        String script = String.join("\n",
                "import smtplib, ssl, sys",
                "ctx = ssl.create_default_context(cafile=sys.argv[3])",
                "with smtplib.SMTP(sys.argv[1], int(sys.argv[2]), timeout=60) as s:",
                "    s.ehlo('client.it.test')",
                "    s.starttls(context=ctx)",
                "    s.ehlo('client.it.test')",
                "    refused = s.sendmail('alice@example.org', ['bob@example.com'], open(sys.argv[4], 'rb').read())",
                "    print('refused', refused)",
                "");
        Program.Result r = Program.require("python3", "python3")
                .args("-c", script, "localhost", String.valueOf(server.port("smtp")), pki.rootCa().toString(), mail.toString())
                .env("PYTHONDONTWRITEBYTECODE", "1").timeout(CLIENT_TIMEOUT).run().assertSuccess();
        assertEquals("refused {}\n", r.stdout());
        Maildir.assertStoredExactly(message("python-smtplib"), maildir.messageContaining("python-smtplib"));
    }

    @Test
    void msmtpDeliversOverStartTlsWithVerification() throws Exception {
        Program.Result r = Program.require("msmtp", "msmtp")
                .args("-C", "/dev/null", "--host=127.0.0.1", "--port=" + server.port("smtp"), "--tls=on",
                        "--tls-starttls=on", "--tls-trust-file=" + pki.rootCa(), "--auth=off",
                        "--from=alice@example.org", "bob@example.com")
                .stdin(message("msmtp")).timeout(CLIENT_TIMEOUT).run().assertSuccess();
        assertEquals("", r.stdout());
        Maildir.assertStoredExactly(message("msmtp"), maildir.messageContaining("msmtp"));
    }

    @Test
    void curlDeliversOverStartTlsWithVerification() throws Exception {
        Path mail = file("curl.eml", message("curl-smtp"));
        Program.require("curl", "curl")
                .args("-sS", "--max-time", "60", "smtp://127.0.0.1:" + server.port("smtp"), "--ssl-reqd",
                        "--cacert", pki.rootCa().toString(), "--mail-from", "alice@example.org",
                        "--mail-rcpt", "bob@example.com", "--upload-file", mail.toString())
                .timeout(CLIENT_TIMEOUT).run().assertSuccess();
        Maildir.assertStoredExactly(message("curl-smtp"), maildir.messageContaining("curl-smtp"));
    }

    @Test
    void smtpSourceSendsThreeHundredMessagesOverSixSessionsAndEachIsStoredWhole() throws Exception {
        int count = 300;
        // smtp-source reads the file line by line and sends each line with CRLF (so the file has LF
        // line ends), dot-stuffed, and then an empty line before the final dot.
        byte[] crlf = message("smtp-source-burst");
        Path file = file("smtp-source.eml", new String(crlf, StandardCharsets.US_ASCII).replace("\r\n", "\n")
                .getBytes(StandardCharsets.US_ASCII));
        byte[] mail = (new String(crlf, StandardCharsets.US_ASCII) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        Program.Result r = Program.require("smtp-source", "postfix")
                .args("-c", "-s", "6", "-m", String.valueOf(count), "-f", "alice@example.org", "-t", "bob@example.com",
                        "-M", "source.it.test", "-F", file.toString(), smtpHostPort())
                .timeout(Duration.ofSeconds(240)).run().assertSuccess();
        List<byte[]> stored = new ArrayList<>();
        for (Path p : maildir.messages()) {
            byte[] b = Maildir.read(p);
            if (new String(b, StandardCharsets.ISO_8859_1).contains("Subject: smtp-source-burst\r\n")) {
                stored.add(b);
            }
        }
        assertEquals(count, stored.size(), () -> "every message smtp-source sent is in the Maildir\n" + r.describe());
        Pattern session = Pattern.compile("with E?SMTP id (\\S+)"); // smtp-source says HELO
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (byte[] b : stored) {
            String trace = Maildir.assertStoredExactly(mail, b);
            Matcher m = session.matcher(trace);
            assertTrue(m.find(), trace);
            ids.add(m.group(1));
        }
        assertEquals(count, ids.size(), "each message has its own queue id");
    }
}
