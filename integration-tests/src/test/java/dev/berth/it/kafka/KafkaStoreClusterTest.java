package dev.berth.it.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.DeployedServer;
import dev.berth.it.support.Haproxy;
import dev.berth.it.support.KafkaCluster;
import dev.berth.it.support.KafkaRecord;
import dev.berth.it.support.ModuleJars;
import dev.berth.it.support.PlainSmtpClient;
import dev.berth.it.support.Ports;
import dev.berth.it.support.Program;
import dev.berth.it.support.TestPki;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployed server-smtp-kafka jar ({@code --smtp-store kafka}) against a three-node Kafka cluster:
 * real clients deliver and every message is read back from the topic byte for byte with its envelope;
 * a broker's SIGKILL during a burst, all brokers down, a message larger than the topic's record limit,
 * and two instances behind HAProxy sharing the cluster when one of them is killed.
 */
class KafkaStoreClusterTest {
    private static final Logger log = LoggerFactory.getLogger(KafkaStoreClusterTest.class);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(120);
    private static final String PASSWORD = "correct horse battery";
    private static final String TOPIC = "berth-mail";
    /** The address clients behind HAProxy connect from. */
    private static final String PROXIED_CLIENT = "127.0.0.3";

    @TempDir
    static Path dir;

    @RegisterExtension
    static final KafkaCluster kafka = new KafkaCluster();

    private static TestPki pki;
    private static DeployedServer mx;

    @BeforeAll
    static void deploy() throws Exception {
        kafka.start(dir.resolve("kafka"));
        kafka.createTopic(TOPIC, 3, Map.of());
        pki = TestPki.create(dir.resolve("pki"));
        // The users file is made the way the SMTP docs say: the module's own tool, password on stdin.
        Program.Result user = Program.require("java", "openjdk-17-jre-headless")
                .args("-cp", ModuleJars.of("server-smtp-kafka").toString(), "dev.berth.smtp.UsersFile", "alice")
                .stdin(PASSWORD + "\n").timeout(CLIENT_TIMEOUT).run().assertSuccess();
        Path users = Files.writeString(dir.resolve("users.txt"), user.stdout());
        mx = berth("mx", TOPIC).flag("smtp-users", users.toString())
                .flag("kafka-delivery-timeout", "20s").flag("smtp-handler-timeout", "45s").start();
    }

    @AfterAll
    static void stop() {
        DeployedServer.stopAll(mx);
    }

    /** A node a test killed is started again, so that the next test has all three. */
    @AfterEach
    void allNodesRunning() {
        if (kafka.running().size() < 3) {
            kafka.start();
        }
    }

    private static DeployedServer.Builder berth(String name, String topic) {
        return pki.configure(DeployedServer.of("server-smtp-kafka", dir.resolve(name)).listener("smtp")
                .flag("smtp-hostname", name + ".it.test").flag("smtp-store", "kafka")
                .flag("kafka-bootstrap", kafka.bootstrap()).flag("kafka-topic", topic));
    }

    private static TopicMail topic(String name) {
        return new TopicMail(kafka.records(name));
    }

    /** A message with CRLF lines, lines that need dot-stuffing, and a marker to find it by. */
    private static byte[] message(String marker, String body) {
        return String.join("\r\n",
                "From: Alice <alice@example.org>",
                "To: Bob <bob@example.com>",
                "Date: Thu, 03 Dec 2026 09:00:00 +0000",
                "Message-ID: <" + marker + "@it.berth.dev>",
                "Subject: " + marker,
                "",
                "First line of " + marker + ".",
                ".a line that starts with a dot",
                "..and one with two",
                body,
                "Last line.",
                "").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void swaksDeliversOverStartTlsWithAuthAndTheRecordHoldsItsMessageAndEnvelope() throws Exception {
        byte[] sent = message("swaks-kafka", "");
        // swaks always sends CRLF . CRLF after the data, so the file leaves out the message's last CRLF.
        Path file = Files.write(dir.resolve("swaks.eml"), java.util.Arrays.copyOf(sent, sent.length - 2));
        Program.Result r = Program.require("swaks", "swaks")
                .args("--server", mx.listener("smtp").hostPort(), "--ehlo", "swaks.it.test",
                        "--from", "alice@example.org", "--to", "bob@example.com,carol@example.net",
                        "--tls", "--tls-verify", "--tls-ca-path", pki.rootCa().toString(),
                        "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", PASSWORD, "--data", "@" + file)
                .timeout(CLIENT_TIMEOUT).run().assertSuccess();
        Matcher queued = Pattern.compile("<~  250 2\\.0\\.0 OK queued as (\\S+)").matcher(r.stdout());
        assertTrue(queued.find(), r::describe);

        KafkaRecord record = topic(TOPIC).one("swaks-kafka");
        String trace = TopicMail.assertStoredExactly(sent, record);
        assertTrue(trace.contains("with ESMTPSA"), trace);
        assertEquals(queued.group(1), record.keyText(), "the key is the queue id of the 250 reply");
        assertEquals("alice@example.org", record.header("berth-mail-from"));
        assertEquals(List.of("bob@example.com", "carol@example.net"), record.headers("berth-rcpt-to"));
        assertEquals("swaks.it.test", record.header("berth-helo"));
        assertEquals("alice", record.header("berth-auth"));
        assertTrue(record.header("berth-tls").startsWith("TLSv1.3 TLS_"), record::toString);
        assertTrue(record.header("berth-client-address").startsWith("127.0.0.1:"), record::toString);
        assertEquals("7BIT", record.header("berth-body"));
        assertNull(record.header("berth-smtputf8"));
    }

    @Test
    void pythonSmtplibDeliversANullSenderWithSmtpUtf8AndTheRecordSaysSo() throws Exception {
        byte[] sent = message("python-kafka", "Gr\u00fc\u00dfe aus K\u00f6ln, \u65e5\u672c\u8a9e");
        Path mail = Files.write(dir.resolve("python.eml"), sent);
        String script = String.join("\n",
                "import smtplib, sys",
                "with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=60) as s:",
                "    s.ehlo('python.it.test')",
                "    refused = s.sendmail('', ['bob@example.com', 'j\u00fcrgen@example.de'], open(sys.argv[2], 'rb').read(),",
                "                         mail_options=['BODY=8BITMIME', 'SMTPUTF8'])",
                "    print('refused', refused)",
                "");
        Program.Result r = Program.require("python3", "python3")
                .args("-c", script, String.valueOf(mx.port("smtp")), mail.toString())
                .env("PYTHONDONTWRITEBYTECODE", "1").env("PYTHONIOENCODING", "utf-8")
                .timeout(CLIENT_TIMEOUT).run().assertSuccess();
        assertEquals("refused {}\n", r.stdout());

        KafkaRecord record = topic(TOPIC).one("python-kafka");
        TopicMail.assertStoredExactly(sent, record);
        assertEquals("", record.header("berth-mail-from"), "the null reverse path <> is an empty header");
        assertEquals(List.of("bob@example.com", "j\u00fcrgen@example.de"), record.headers("berth-rcpt-to"));
        assertEquals("python.it.test", record.header("berth-helo"));
        assertEquals("8BITMIME", record.header("berth-body"));
        assertEquals("true", record.header("berth-smtputf8"));
        assertNull(record.header("berth-tls"), "no TLS, no berth-tls");
        assertNull(record.header("berth-auth"), "no AUTH, no berth-auth");
    }

    @Test
    void smtpSourceSendsFortyMessagesOverFiveSessionsAndEachIsOneRecordWithItsOwnQueueId() throws Exception {
        int count = 40;
        byte[] crlf = message("smtp-source-kafka", "");
        // smtp-source reads the file line by line and sends each line with CRLF (so the file has LF line
        // ends), dot-stuffed, and then an empty line before the final dot.
        Path file = Files.write(dir.resolve("smtp-source.eml"),
                new String(crlf, StandardCharsets.US_ASCII).replace("\r\n", "\n").getBytes(StandardCharsets.US_ASCII));
        byte[] sent = (new String(crlf, StandardCharsets.US_ASCII) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        Program.Result r = Program.require("smtp-source", "postfix")
                .args("-c", "-s", "5", "-m", String.valueOf(count), "-f", "alice@example.org", "-t", "bob@example.com",
                        "-M", "source.it.test", "-F", file.toString(), mx.listener("smtp").hostPort())
                .timeout(Duration.ofSeconds(240)).run().assertSuccess();

        List<KafkaRecord> records = topic(TOPIC).containing("Subject: smtp-source-kafka\r\n");
        assertEquals(count, records.size(), () -> "every message smtp-source sent is one record\n" + r.describe());
        Set<String> ids = new HashSet<>();
        for (KafkaRecord record : records) {
            TopicMail.assertStoredExactly(sent, record);
            assertEquals("alice@example.org", record.header("berth-mail-from"));
            assertEquals(List.of("bob@example.com"), record.headers("berth-rcpt-to"));
            ids.add(record.keyText());
        }
        assertEquals(count, ids.size(), "each message has its own queue id");
    }

    @Test
    void aBrokerKilledDuringTwentySessionsLosesNoAcknowledgedMessageAndTheOthersTakeTheRest() throws Exception {
        String topicName = TOPIC;
        int leader = kafka.leaderOf(topicName, 0);
        SmtpBurst burst = new SmtpBurst(mx.listener("smtp").address(), null, 20, 8, 4096);
        List<SmtpBurst.Attempt> attempts = burst.run("broker-kill", 40, () -> kafka.kill(leader));
        log.info("burst with node {} killed: {}", leader, SmtpBurst.summary(attempts));

        List<SmtpBurst.Attempt> bad = attempts.stream()
                .filter(a -> !a.acknowledged() && (a.reply() == null || !a.reply().startsWith("4")))
                .collect(Collectors.toList());
        assertEquals(List.of(), bad.stream().map(a -> a.marker() + ": " + a.reply()).collect(Collectors.toList()),
                "every message got 250 or a temporary 4xx; none a 5xx, none a broken session");
        assertTrue(attempts.stream().anyMatch(a -> a.afterAction() && a.acknowledged()),
                () -> "the two remaining nodes took messages after the kill: " + SmtpBurst.summary(attempts));
        assertTrue(mx.isAlive(), "Berth stays up");

        int duplicates = topic(topicName).assertEveryAcknowledgedMessageStored(attempts);
        log.info("{} records beyond one per acknowledged message", duplicates);
        kafka.start(leader);
        kafka.awaitInSync(topicName);
    }

    @Test
    void withAllBrokersDownSessionsGet451WithinTheHandlerTimeoutAndMailFlowsAgainWhenTheyReturn() throws Exception {
        String topicName = "all-down";
        kafka.createTopic(topicName, 1, Map.of());
        Duration handlerTimeout = Duration.ofSeconds(8);
        try (DeployedServer down = berth("mx-down", topicName).flag("kafka-delivery-timeout", "3s")
                .flag("smtp-handler-timeout", handlerTimeout.toSeconds() + "s").start()) {
            InetSocketAddress smtp = down.listener("smtp").address();
            try (PlainSmtpClient c = new PlainSmtpClient(smtp)) {
                assertTrue(c.deliver("a@example.org", "b@example.com", SmtpBurst.message("before-down", 1024)).startsWith("250 "),
                        "the instance stores mail while the brokers are up");
            }

            kafka.stopAll();
            for (int i = 0; i < 3; i++) {
                try (PlainSmtpClient c = new PlainSmtpClient(smtp)) {
                    long began = System.nanoTime();
                    String reply = c.deliver("a@example.org", "b@example.com", SmtpBurst.message("while-down-" + i, 1024));
                    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
                    assertTrue(reply.startsWith("451 4.3.0 "), () -> "a temporary failure, not " + reply + "\n" + down.tail());
                    assertTrue(took < handlerTimeout.toMillis(), () -> "the 451 came after " + took
                            + " ms, not within the handler timeout " + handlerTimeout + ": " + reply);
                }
            }
            assertTrue(down.isAlive(), () -> "Berth stays up with every broker down\n" + down.tail());

            kafka.start();
            String reply = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            int tries = 0;
            while (System.nanoTime() < deadline && (reply == null || !reply.startsWith("250 "))) {
                try (PlainSmtpClient c = new PlainSmtpClient(smtp)) {
                    reply = c.deliver("a@example.org", "b@example.com", SmtpBurst.message("after-return-" + tries++, 1024));
                }
            }
            String last = reply;
            assertTrue(last != null && last.startsWith("250 "), () -> "no 250 within 90 s of the brokers' return: " + last
                    + "\n" + down.tail());
            log.info("after the brokers returned, message {} got {}", tries, last);
            TopicMail stored = topic(topicName);
            String marker = "after-return-" + (tries - 1);
            TopicMail.assertStoredExactly(SmtpBurst.message(marker, 1024), stored.one("Subject: " + marker + "\r\n"));
            assertEquals(1, stored.containing("Subject: before-down\r\n").size());
            down.stop();
        }
    }

    @Test
    void aMessageLargerThanTheTopicsRecordLimitIsRefusedAtMailFromAndOneOfTheAdvertisedSizeIsStored() throws Exception {
        String topicName = "small-records";
        int limit = 256 * 1024;
        kafka.createTopic(topicName, 1, Map.of("max.message.bytes", String.valueOf(limit)));
        try (DeployedServer small = berth("mx-small", topicName).start()) {
            // smtplib sends SIZE=<length> with MAIL FROM when the server advertises SIZE, and raises
            // SMTPSenderRefused when MAIL FROM is refused: before any DATA.
            String script = String.join("\n",
                    "import smtplib, sys",
                    "with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=60) as s:",
                    "    s.ehlo('python.it.test')",
                    "    size = int(s.esmtp_features['size'])",
                    "    print('size', size)",
                    "    head = b'Subject: size-kafka\\r\\n\\r\\n'",
                    "    def message(n):",
                    "        body = (b'x' * 998 + b'\\r\\n') * (n // 1000 + 1)",
                    "        m = (head + body)[:n - 2]",
                    "        return (m[:-1] + b'x' if m.endswith(b'\\r') else m) + b'\\r\\n'",
                    "    try:",
                    "        s.sendmail('a@example.org', ['b@example.com'], message(size + 1))",
                    "        print('too large accepted')",
                    "    except smtplib.SMTPSenderRefused as e:",
                    "        print('refused at MAIL FROM', e.smtp_code, e.smtp_error.decode())",
                    "    m = message(size)",
                    "    open(sys.argv[2], 'wb').write(m)",
                    "    print('largest refused', s.sendmail('a@example.org', ['b@example.com'], m))",
                    "");
            Path largest = dir.resolve("largest.eml");
            Program.Result r = Program.require("python3", "python3")
                    .args("-c", script, String.valueOf(small.port("smtp")), largest.toString())
                    .env("PYTHONDONTWRITEBYTECODE", "1").timeout(CLIENT_TIMEOUT).run();
            String out = r.stdout();
            Matcher size = Pattern.compile("^size (\\d+)$", Pattern.MULTILINE).matcher(out);
            assertTrue(size.find(), r::describe);
            long advertised = Long.parseLong(size.group(1));
            assertTrue(advertised < limit, () -> "EHLO advertises a SIZE below the topic's max.message.bytes " + limit
                    + ": " + advertised);
            assertTrue(out.contains("refused at MAIL FROM 552 5.3.4 "), r::describe);
            r.assertSuccess();
            assertTrue(out.contains("largest refused {}"), () -> "a message of exactly the advertised SIZE is accepted\n"
                    + r.describe() + "\n" + small.tail());
            byte[] sent = Files.readAllBytes(largest);
            assertEquals(advertised, sent.length);
            TopicMail.assertStoredExactly(sent, new TopicMail(kafka.records(topicName)).one("Subject: size-kafka"));
            small.stop();
        }
    }

    @Test
    void twoInstancesBehindHaproxyShareTheClusterAndTheSigkillOfOneLosesNoAcknowledgedMessage() throws Exception {
        String topicName = "behind-haproxy";
        kafka.createTopic(topicName, 3, Map.of());
        int frontend = Ports.freeLoopbackPort();
        int port1 = Ports.freeLoopbackPort();
        int port2 = Ports.freeLoopbackPort();
        DeployedServer mx1 = behindHaproxy("mx-1", topicName, port1);
        DeployedServer mx2 = behindHaproxy("mx-2", topicName, port2);
        try (DeployedServer a = mx1; DeployedServer b = mx2; Haproxy haproxy = Haproxy.start(dir.resolve("haproxy"),
                String.join("\n",
                        "global",
                        "  stats socket SOCKET level admin",
                        "  maxconn 256",
                        "defaults",
                        "  mode tcp",
                        "  timeout connect 3s",
                        "  timeout client 60s",
                        "  timeout server 60s",
                        "  timeout check 10s",
                        // A connection refused by the instance that just died is tried again on the other one.
                        "  retries 3",
                        "  option redispatch",
                        "frontend mail",
                        "  bind 127.0.0.1:" + frontend,
                        "  default_backend berth_smtp",
                        "backend berth_smtp",
                        "  balance roundrobin",
                        "  option smtpchk EHLO haproxy.it.test",
                        "  default-server send-proxy-v2 check check-send-proxy inter 300ms fall 2 rise 2",
                        "  server mx1 127.0.0.1:" + port1,
                        "  server mx2 127.0.0.1:" + port2,
                        ""))) {
            haproxy.awaitHealthy("berth_smtp", "mx1");
            haproxy.awaitHealthy("berth_smtp", "mx2");

            // Clients connect from 127.0.0.3: Berth can only learn that address from haproxy's PROXY header.
            SmtpBurst burst = new SmtpBurst(new InetSocketAddress("127.0.0.1", frontend),
                    InetAddress.getByName(PROXIED_CLIENT), 6, 15, 2048);
            List<SmtpBurst.Attempt> attempts = burst.run("haproxy", 24, mx1::kill);
            log.info("burst through haproxy with mx-1 killed: {}", SmtpBurst.summary(attempts));

            List<String> refused = attempts.stream().filter(x -> x.reply() != null && !x.acknowledged()
                    && !x.reply().startsWith("4")).map(x -> x.marker() + ": " + x.reply()).collect(Collectors.toList());
            assertEquals(List.of(), refused, "no message was refused for good");
            assertTrue(attempts.stream().anyMatch(x -> x.afterAction() && x.acknowledged()),
                    () -> "the other instance took messages after the kill: " + SmtpBurst.summary(attempts));

            TopicMail stored = topic(topicName);
            stored.assertEveryAcknowledgedMessageStored(attempts);
            Map<String, Long> byInstance = new java.util.TreeMap<>();
            for (SmtpBurst.Attempt x : attempts) {
                if (x.acknowledged()) {
                    KafkaRecord r = stored.keyed(x.queueId()).get(0);
                    assertTrue(r.header("berth-client-address").startsWith(PROXIED_CLIENT + ":"),
                            () -> "the client's own address, from PROXY v2: " + r);
                    Matcher by = Pattern.compile("\\bby (mx-\\d)\\.it\\.test\\b")
                            .matcher(new String(r.value(), StandardCharsets.ISO_8859_1));
                    assertTrue(by.find(), r::toString);
                    byInstance.merge(by.group(1) + (x.afterAction() ? " after" : " before"), 1L, Long::sum);
                }
            }
            log.info("acknowledged messages by instance: {}", byInstance);
            assertTrue(byInstance.containsKey("mx-1 before") && byInstance.containsKey("mx-2 before"),
                    () -> "round robin used both instances before the kill: " + byInstance);
            mx2.stop();
        }
    }

    private static DeployedServer behindHaproxy(String name, String topic, int port) {
        return berth(name, topic).flag("smtp-port", String.valueOf(port))
                .flag("smtp-proxy-protocol", "on").flag("smtp-proxy-trusted", "127.0.0.1/32").start();
    }
}
