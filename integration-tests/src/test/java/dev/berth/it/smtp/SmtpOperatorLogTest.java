package dev.berth.it.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.DeployedServer;
import dev.berth.it.support.Maildir;
import dev.berth.it.support.Program;
import dev.berth.it.support.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployed server-smtp jar as an operator runs it: a users file made by {@code htpasswd -B}
 * (bcrypt, checked by the BouncyCastle the jar carries), and with the jar's own logging setup the
 * session log at INFO naming the queue id that is also the Maildir file's name.
 */
class SmtpOperatorLogTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void aBcryptUserFromHtpasswdSendsMailAndTheDefaultLogFollowsTheSession() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        Program.Result line = Program.require("htpasswd", "apache2-utils").args("-nbB", "-C", "5", "bob", "glass slipper")
                .timeout(TIMEOUT).run().assertSuccess();
        Path users = Files.writeString(dir.resolve("users"), line.stdout());
        DeployedServer server = pki.configure(DeployedServer.of("server-smtp", dir.resolve("server")).listener("smtp")
                .flag("smtp-hostname", "mx.it.test").flag("smtp-users", users.toString())
                .flag("smtp-domains", "example.com")).start();
        try {
            Program.Result r = Program.require("swaks", "swaks").args(List.of("--server", server.listener("smtp").hostPort(),
                    "--tls", "--tls-verify", "--tls-ca-path", pki.rootCa().toString(), "--auth", "PLAIN",
                    "--auth-user", "bob", "--auth-password", "glass slipper", "--from", "bob@example.org",
                    "--to", "carol@example.com,dan@elsewhere.net", "--header", "Subject: operator-log"))
                    .timeout(TIMEOUT).run();
            Matcher queued = Pattern.compile("250 2\\.0\\.0 OK queued as ([0-9A-Z]+)").matcher(r.stdout());
            assertTrue(queued.find(), r::describe);
            String id = queued.group(1);

            Maildir maildir = new Maildir(server.dataDir().resolve("maildir"));
            List<Path> files = maildir.messages();
            assertEquals(1, files.size(), files::toString);
            assertTrue(files.get(0).getFileName().toString().matches("\\d+\\." + id + "\\.mx\\.it\\.test,S=\\d+"),
                    files.get(0).toString());

            String log = awaitLine(server, " disconnect duration=");
            Matcher session = Pattern.compile("(\\w{10}) connect from \\[127\\.0\\.0\\.1\\]:\\d+ listener=smtp").matcher(log);
            assertTrue(session.find(), log);
            String s = session.group(1);
            for (String expected : new String[] {s + " tls version=TLSv1.", s + " auth user=bob mechanism=PLAIN result=success",
                    s + " refused RCPT 550 5.1.1 to=<dan@elsewhere.net>",
                    s + " " + id + " accepted from=<bob@example.org> recipients=1 size=",
                    s + " disconnect duration="}) {
                assertTrue(log.contains(expected), "no '" + expected + "' in\n" + log);
            }
            assertTrue(!log.contains("glass slipper"), log);
        } finally {
            DeployedServer.stopAll(server);
        }
    }

    /** The log once it holds {@code text}: the session's last line comes after swaks has read its last reply. */
    private static String awaitLine(DeployedServer server, String text) throws InterruptedException {
        for (int i = 0; i < 1000; i++) {
            String log = server.log();
            if (log.contains(text)) {
                return log;
            }
            Thread.sleep(20);
        }
        return server.log();
    }
}
