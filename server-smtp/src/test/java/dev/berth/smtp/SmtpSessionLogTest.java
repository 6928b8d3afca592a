package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.berth.smtp.ClientProcess.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.KeyValuePair;

/**
 * The session log an operator follows (logger {@code dev.berth.smtp.session}): one INFO line per
 * event, each with the session id, its fields also as key-value pairs, and no secret in any of them.
 */
class SmtpSessionLogTest {
    private static final String LOGGER = "dev.berth.smtp.session";
    private static final String PASSWORD = "wonder land";

    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        Path users = dir.resolve("users");
        Files.writeString(users, UsersFile.line("alice", PASSWORD.toCharArray()) + "\n");
        server = new TestServer(dir.resolve("maildir"), SmtpConfig.builder().serverName("mx.test")
                .acceptedDomains(Set.of("example.com")).authenticator(UsersFile.load(users)).build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String kv(ILoggingEvent e, String key) {
        List<KeyValuePair> pairs = e.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair p : pairs) {
                if (p.key.equals(key)) {
                    return String.valueOf(p.value);
                }
            }
        }
        throw new AssertionError("no key " + key + " in " + e.getFormattedMessage() + " " + pairs);
    }

    /** Everything one session logged, once its disconnect line is there. */
    private static List<ILoggingEvent> session(LogCapture log) throws InterruptedException {
        ILoggingEvent connect = log.await(e -> kv(e, "event").equals("connect"));
        String id = kv(connect, "session");
        log.await(e -> kv(e, "session").equals(id) && kv(e, "event").equals("disconnect"));
        return log.events().stream().filter(e -> kv(e, "session").equals(id)).collect(Collectors.toList());
    }

    private static ILoggingEvent only(List<ILoggingEvent> events, String event) {
        List<ILoggingEvent> found = events.stream().filter(e -> kv(e, "event").equals(event)).collect(Collectors.toList());
        assertEquals(1, found.size(), event + " lines: " + found);
        return found.get(0);
    }

    private static void assertNoSecret(List<ILoggingEvent> events, String... secrets) {
        for (ILoggingEvent e : events) {
            String all = e.getFormattedMessage() + " " + e.getKeyValuePairs();
            for (String s : secrets) {
                assertFalse(all.contains(s), "the log gives away '" + s + "': " + all);
            }
        }
    }

    @Test
    void aSwaksSessionOverStartTlsWithAuthIsFollowedLineByLine() throws Exception {
        String marker = UUID.randomUUID().toString();
        List<ILoggingEvent> events;
        Result r;
        try (LogCapture log = new LogCapture(LOGGER)) {
            r = ClientProcess.run(dir, List.of("swaks", "--server", "127.0.0.1", "--port",
                    Integer.toString(server.address().getPort()), "--tls", "--tls-sni", "mx.test",
                    "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", PASSWORD,
                    "--from", "alice@example.org", "--to", "bob@example.com,eve@elsewhere.net",
                    "--helo", "swaks.example", "--header", "Subject: " + marker), null);
            events = session(log);
            assertTrue(events.stream().allMatch(e -> e.getLevel() == Level.INFO), events.toString());
        }
        Matcher queued = Pattern.compile("250 2\\.0\\.0 OK queued as ([0-9A-Z]+)").matcher(r.output());
        assertTrue(queued.find(), r.output());
        String queueId = queued.group(1);

        assertEquals(List.of("connect", "tls", "auth", "refused", "message", "disconnect"),
                events.stream().map(e -> kv(e, "event")).collect(Collectors.toList()));
        String id = kv(events.get(0), "session");
        for (ILoggingEvent e : events) {
            assertTrue(e.getFormattedMessage().startsWith(id + " "), e.getFormattedMessage());
        }

        ILoggingEvent connect = only(events, "connect");
        assertEquals("127.0.0.1", kv(connect, "client"));
        assertEquals("smtp", kv(connect, "listener"));
        assertEquals("false", kv(connect, "proxied"));
        assertTrue(connect.getFormattedMessage().matches(id + " connect from \\[127\\.0\\.0\\.1\\]:\\d+ listener=smtp"),
                connect.getFormattedMessage());

        ILoggingEvent tls = only(events, "tls");
        assertTrue(kv(tls, "tls_version").startsWith("TLSv1."), kv(tls, "tls_version"));
        assertTrue(kv(tls, "tls_cipher").startsWith("TLS_"), kv(tls, "tls_cipher"));
        assertEquals("mx.test", kv(tls, "sni"));
        assertEquals(id + " tls version=" + kv(tls, "tls_version") + " cipher=" + kv(tls, "tls_cipher") + " sni=mx.test",
                tls.getFormattedMessage());

        ILoggingEvent auth = only(events, "auth");
        assertEquals("alice", kv(auth, "user"));
        assertEquals("PLAIN", kv(auth, "mechanism"));
        assertEquals("success", kv(auth, "result"));
        assertEquals(id + " auth user=alice mechanism=PLAIN result=success", auth.getFormattedMessage());

        ILoggingEvent refused = only(events, "refused");
        assertEquals("RCPT", kv(refused, "command"));
        assertEquals("550", kv(refused, "code"));
        assertEquals("5.1.1", kv(refused, "enhanced"));
        assertEquals("eve@elsewhere.net", kv(refused, "to"));
        assertEquals(id + " refused RCPT 550 5.1.1 to=<eve@elsewhere.net>", refused.getFormattedMessage());

        ILoggingEvent message = only(events, "message");
        assertEquals(queueId, kv(message, "queue_id"));
        assertEquals("alice@example.org", kv(message, "from"));
        assertEquals("1", kv(message, "recipients"));
        long size = Long.parseLong(kv(message, "size"));
        long storeMillis = Long.parseLong(kv(message, "store_ms"));
        assertTrue(storeMillis >= 0);
        assertEquals(id + " " + queueId + " accepted from=<alice@example.org> recipients=1 size=" + size
                + " store_ms=" + storeMillis, message.getFormattedMessage());

        // The queue id is the Received: header's id and the Maildir file's name.
        List<Path> files = server.delivered().stream().filter(p -> p.getFileName().toString().contains("." + queueId + "."))
                .collect(Collectors.toList());
        assertEquals(1, files.size(), server.delivered().toString());
        String stored = Files.readString(files.get(0), StandardCharsets.UTF_8);
        assertTrue(stored.contains(" with ESMTPSA id " + queueId + "\r\n") && stored.contains(marker), stored);
        assertEquals(size, TestServer.body(files.get(0)).getBytes(StandardCharsets.UTF_8).length);

        ILoggingEvent disconnect = only(events, "disconnect");
        assertEquals("ehlo=2 starttls=1 auth=1 mail=1 rcpt=1/2 data=1 quit=1 commands=8/9", kv(disconnect, "command_counts"));
        assertEquals("9", kv(disconnect, "commands"));
        assertEquals("1", kv(disconnect, "messages"));
        assertEquals("1", kv(disconnect, "errors"));
        assertTrue(disconnect.getFormattedMessage().matches(id + " disconnect duration=\\d+\\.\\d{3}s ehlo=2 starttls=1 auth=1"
                + " mail=1 rcpt=1/2 data=1 quit=1 commands=8/9 messages=1 errors=1"), disconnect.getFormattedMessage());

        String blob = Base64.getEncoder().encodeToString(("\0alice\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertNoSecret(events, PASSWORD, blob);
    }

    @Test
    void aFailedLoginAndAnUnknownCommandLogNeitherThePasswordNorTheCommandText() throws Exception {
        List<ILoggingEvent> events;
        String blob = Base64.getEncoder().encodeToString("\0alice\0hunter2 guess".getBytes(StandardCharsets.UTF_8));
        try (LogCapture log = new LogCapture(LOGGER)) {
            try (SmtpTestClient c = server.connect()) {
                c.reply();
                c.command("EHLO client.example");
                c.command("STARTTLS");
                c.startTls();
                c.command("EHLO client.example");
                assertEquals("535 5.7.8 Authentication credentials invalid", c.command("AUTH PLAIN " + blob));
                assertTrue(c.command("hunter2 typed as a command").startsWith("500 5.5.1 "));
                c.command("QUIT");
            }
            events = session(log);
        }
        ILoggingEvent auth = only(events, "auth");
        assertEquals(events.get(0).getFormattedMessage().split(" ")[0] + " auth user=alice mechanism=PLAIN result=failure",
                auth.getFormattedMessage());
        ILoggingEvent refused = only(events, "refused"); // the 535 is said by the auth line alone
        assertEquals("unknown", kv(refused, "command"));
        assertTrue(refused.getFormattedMessage().endsWith(" refused unknown 500 5.5.1"), refused.getFormattedMessage());
        assertTrue(kv(only(events, "disconnect"), "command_counts").startsWith("ehlo=2 starttls=1 auth=0/1 quit=1 unknown=0/1"),
                kv(only(events, "disconnect"), "command_counts"));
        assertNoSecret(events, "hunter2", blob);
    }

    @Test
    void aUserNameWithLineBreaksCannotForgeALogLine() throws Exception {
        String forged = "mallory\nX1 auth user=alice mechanism=PLAIN result=success\u2028";
        String blob = Base64.getEncoder().encodeToString(("\0" + forged + "\0guess").getBytes(StandardCharsets.UTF_8));
        List<ILoggingEvent> events;
        try (LogCapture log = new LogCapture(LOGGER)) {
            try (SmtpTestClient c = server.connect()) {
                c.reply();
                c.command("EHLO client.example");
                c.command("STARTTLS");
                c.startTls();
                c.command("EHLO client.example");
                assertTrue(c.command("AUTH PLAIN " + blob).startsWith("535 "));
                c.command("QUIT");
            }
            events = session(log);
        }
        ILoggingEvent auth = only(events, "auth");
        assertEquals("mallory?X1 auth user=alice mechanism=PLAIN result=success?", kv(auth, "user"));
        assertFalse(auth.getFormattedMessage().contains("\n") || auth.getFormattedMessage().contains("\u2028"));
    }
}
