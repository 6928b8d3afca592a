package dev.berth.smtp.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.smtp.SmtpConfig;
import dev.berth.smtp.SmtpModule;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka store in a real server on port 0, its producer a {@link MockProducer} the test acknowledges or fails. */
class KafkaStoreTest {
    private static final String BODY = "Subject: hello\r\n\r\nthe body\r\n";

    @TempDir
    Path dir;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private Server server;

    private static MockProducer<byte[], byte[]> producer(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private SmtpLines start(MockProducer<byte[], byte[]> producer, OptionalLong topicLimit, Duration delivery,
                            Duration handler) throws IOException {
        KafkaStoreConfig config = KafkaStoreConfig.builder().bootstrap("127.0.0.1:1").topic("mail")
                .deliveryTimeout(delivery).build();
        return start(new KafkaStore(config, p -> producer, (p, topic) -> topicLimit), handler);
    }

    private SmtpLines start(KafkaStore store, Duration handler) throws IOException {
        server = Server.builder().module(SmtpModule.builder()
                        .config(SmtpConfig.builder().serverName("mx.test").handlerTimeout(handler).build())
                        .store(store).build())
                .dataDirectory(dir).meterRegistry(meters)
                .listener(ListenerConfig.tcp("smtp").host("127.0.0.1").build()).build().start();
        SmtpLines c = new SmtpLines(server.localAddress("smtp"));
        assertTrue(c.reply().startsWith("220 mx.test"));
        return c;
    }

    private SmtpLines start(MockProducer<byte[], byte[]> producer) throws IOException {
        return start(producer, OptionalLong.of(1024 * 1024), Duration.ofSeconds(5), Duration.ofSeconds(20));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** EHLO, MAIL, RCPT, DATA and the content up to (not including) the final dot. */
    private static void sendUpToTheDot(SmtpLines c) throws IOException {
        assertTrue(c.command("EHLO client.test").startsWith("250"));
        assertTrue(c.command("MAIL FROM:<a@example.org>").startsWith("250 "));
        assertTrue(c.command("RCPT TO:<b@example.com>").startsWith("250 "));
        assertTrue(c.command("DATA").startsWith("354 "));
        c.send(BODY);
    }

    private double records(String result) {
        return meters.get("berth.smtp.kafka.records").tag("result", result).counter().count();
    }

    /** Sends the final dot and waits for its reply on another thread, so the test can act on the producer meanwhile. */
    private static CompletableFuture<String> endDataAsync(SmtpLines c) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return c.command(".");
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static void awaitSent(MockProducer<byte[], byte[]> producer, int count) throws InterruptedException {
        for (int i = 0; i < 1000 && producer.history().size() < count; i++) {
            Thread.sleep(10);
        }
        assertEquals(count, producer.history().size(), "records sent");
    }

    @Test
    void aMessageGets250OnlyAfterTheBrokersAcknowledgedItsRecord() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(false);
        try (SmtpLines c = start(producer)) {
            sendUpToTheDot(c);
            CompletableFuture<String> reply = endDataAsync(c);
            awaitSent(producer, 1);
            assertFalse(reply.isDone() || c.replyWaiting(), "no reply while the record is not acknowledged");
            assertTrue(producer.completeNext());
            String id = new String(producer.history().get(0).key(), StandardCharsets.UTF_8);
            assertEquals("250 2.0.0 OK queued as " + id, reply.get(20, TimeUnit.SECONDS));
        }
        assertEquals(1, records("acked"));
        assertEquals(0, records("failed"));
    }

    @Test
    void aBrokerErrorGets451AndTheMessageIsNotReportedAsStored() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(false);
        try (SmtpLines c = start(producer)) {
            sendUpToTheDot(c);
            CompletableFuture<String> reply = endDataAsync(c);
            awaitSent(producer, 1);
            assertTrue(producer.errorNext(new NotEnoughReplicasException("fewer in-sync replicas than required")));
            assertEquals("451 4.3.0 Cannot store the message now, try again later", reply.get(20, TimeUnit.SECONDS));
            assertTrue(c.command("RSET").startsWith("250 "), "the session goes on");
        }
        assertEquals(0, records("acked"));
        assertEquals(1, records("failed"));
    }

    @Test
    void aRecordTheBrokersRefuseForItsSizeGets552NotATemporaryError() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(false);
        try (SmtpLines c = start(producer)) {
            sendUpToTheDot(c);
            CompletableFuture<String> reply = endDataAsync(c);
            awaitSent(producer, 1);
            assertTrue(producer.errorNext(new RecordTooLargeException("the topic's max.message.bytes was lowered")));
            assertEquals("552 5.3.4 Message too big for the message store", reply.get(20, TimeUnit.SECONDS),
                    "a sender would retry a 451 for days; a size refusal is permanent");
        }
        assertEquals(0, records("acked"));
        assertEquals(1, records("failed"));
    }

    @Test
    void noAcknowledgementWithinTheDeliveryTimeoutGets451BeforeTheHandlerTimeout() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(false); // never acknowledges
        try (SmtpLines c = start(producer, OptionalLong.of(1024 * 1024), Duration.ofMillis(300), Duration.ofSeconds(3))) {
            sendUpToTheDot(c);
            assertEquals("451 4.3.0 Cannot store the message now, try again later", c.command("."),
                    "the store's own answer, not the handler timeout's");
            assertEquals(1, producer.history().size());
        }
        assertEquals(0, records("acked"));
        assertEquals(1, records("failed"));
    }

    @Test
    void withTheBrokersDownMessagesGet451WithinTheHandlerTimeoutAndTheServerStaysUp() throws Exception {
        // a real producer, and no broker at the address: the send waits for metadata up to max.block.ms
        KafkaStoreConfig config = KafkaStoreConfig.builder().bootstrap("127.0.0.1:" + freePort())
                .deliveryTimeout(Duration.ofSeconds(1)).build();
        KafkaStore store = new KafkaStore(config, KafkaProducer::new, (p, topic) -> OptionalLong.empty());
        try (SmtpLines c = start(store, Duration.ofSeconds(4))) {
            for (int i = 0; i < 2; i++) {
                sendUpToTheDot(c);
                assertEquals("451 4.3.0 Cannot store the message now, try again later", c.command("."),
                        "the store's answer, before the handler timeout's");
            }
        }
        assertEquals(2, records("failed"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort(); // closed again: nothing listens there
        }
    }

    @Test
    void aSendThatThrowsGets451() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(true);
        producer.sendException = new IllegalStateException("Cannot perform operation after producer has been closed");
        try (SmtpLines c = start(producer)) {
            sendUpToTheDot(c);
            assertEquals("451 4.3.0 Cannot store the message now, try again later", c.command("."));
        }
        assertEquals(1, records("failed"));
    }

    @Test
    void theRecordCarriesTheQueueIdAsKeyTheTraceHeadersAndTheEnvelope() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(true);
        String reply;
        String client;
        try (SmtpLines c = start(producer)) {
            client = "127.0.0.1:" + c.localAddress().getPort();
            assertTrue(c.command("EHLO client.test").startsWith("250"));
            assertTrue(c.command("MAIL FROM:<a@example.org> BODY=8BITMIME SMTPUTF8").startsWith("250 "));
            assertTrue(c.command("RCPT TO:<b@example.com>").startsWith("250 "));
            assertTrue(c.command("RCPT TO:<c@example.net>").startsWith("250 "));
            assertTrue(c.command("DATA").startsWith("354 "));
            reply = c.command(BODY + "..a dot-stuffed line\r\n.");
        }
        assertEquals(1, producer.history().size());
        ProducerRecord<byte[], byte[]> r = producer.history().get(0);
        String id = new String(r.key(), StandardCharsets.UTF_8);
        assertEquals("250 2.0.0 OK queued as " + id, reply);
        assertEquals("mail", r.topic());
        assertNull(r.partition(), "the partitioner spreads the keys");
        String value = new String(r.value(), StandardCharsets.UTF_8);
        assertTrue(value.startsWith("Return-Path: <a@example.org>\r\nReceived: from client.test ([127.0.0.1])\r\n\tby mx.test"
                + " (Berth) with UTF8SMTP id " + id + ";\r\n\t"), value);
        assertEquals(BODY + ".a dot-stuffed line\r\n", value.substring(value.indexOf("\r\nSubject: hello") + 2),
                "the content right after the trace headers, exactly as sent (dot-stuffing undone)");
        List<String> names = new ArrayList<>();
        for (Header h : r.headers()) {
            names.add(h.key());
        }
        assertEquals(List.of("berth-queue-id", "berth-mail-from", "berth-rcpt-to", "berth-rcpt-to", "berth-client-address",
                "berth-helo", "berth-received-at", "berth-body", "berth-smtputf8"), names, "no TLS, no AUTH: no headers for them");
        assertEquals(id, header(r, "berth-queue-id"));
        assertEquals("a@example.org", header(r, "berth-mail-from"));
        List<String> rcpts = new ArrayList<>();
        r.headers().headers("berth-rcpt-to").forEach(h -> rcpts.add(new String(h.value(), StandardCharsets.UTF_8)));
        assertEquals(List.of("b@example.com", "c@example.net"), rcpts, "one header per recipient, in order");
        assertEquals(client, header(r, "berth-client-address"));
        assertEquals("client.test", header(r, "berth-helo"));
        Instant at = Instant.parse(header(r, "berth-received-at"));
        assertTrue(Duration.between(at, Instant.now()).abs().toMinutes() < 5, "an ISO-8601 instant of now: " + at);
        assertEquals("8BITMIME", header(r, "berth-body"));
        assertEquals("true", header(r, "berth-smtputf8"));
    }

    @Test
    void aBounceHasAnEmptyMailFromHeaderAndA7BitBody() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(true);
        try (SmtpLines c = start(producer)) {
            assertTrue(c.command("EHLO client.test").startsWith("250"));
            assertTrue(c.command("MAIL FROM:<>").startsWith("250 "));
            assertTrue(c.command("RCPT TO:<b@example.com>").startsWith("250 "));
            assertTrue(c.command("DATA").startsWith("354 "));
            assertTrue(c.command(BODY + ".").startsWith("250 "));
        }
        ProducerRecord<byte[], byte[]> r = producer.history().get(0);
        assertEquals("", header(r, "berth-mail-from"));
        assertEquals("7BIT", header(r, "berth-body"));
        assertNull(r.headers().lastHeader("berth-smtputf8"));
        assertTrue(new String(r.value(), StandardCharsets.UTF_8).startsWith("Return-Path: <>\r\nReceived: "));
    }

    @Test
    void theTopicsRecordLimitLowersTheAdvertisedSizeAndALargerMessageIsRefusedAtMailFrom() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(true);
        long limit = 256 * 1024 - KafkaStore.overhead(SmtpConfig.defaults());
        try (SmtpLines c = start(producer, OptionalLong.of(256 * 1024), Duration.ofSeconds(5), Duration.ofSeconds(20))) {
            assertTrue(c.command("EHLO client.test").contains("\n250-SIZE " + limit + "\n"));
            assertEquals("552 5.3.4 Message size exceeds fixed maximum message size",
                    c.command("MAIL FROM:<a@example.org> SIZE=" + (256 * 1024)));
            assertTrue(c.command("MAIL FROM:<a@example.org> SIZE=" + limit).startsWith("250 "));
        }
        assertEquals(0, producer.history().size());
    }

    @Test
    void withoutAnAnswerFromTheBrokersTheLimitIsTheProducersMaxRequestSize() throws Exception {
        try (SmtpLines c = start(producer(true), OptionalLong.empty(), Duration.ofSeconds(5), Duration.ofSeconds(20))) {
            assertTrue(c.command("EHLO client.test").contains("\n250-SIZE "
                    + (1024 * 1024 - KafkaStore.overhead(SmtpConfig.defaults())) + "\n"));
        }
    }

    @Test
    void theRoomLeftForTheEnvelopeHoldsTheLongestEnvelopeTheServerAccepts() {
        SmtpConfig d = SmtpConfig.defaults();
        // every recipient, the sender, HELO name and AUTH identity a command line long; the trace headers besides
        long longest = (long) (d.maxRecipients() + 3) * (d.maxCommandLine() + 20) + 600;
        assertTrue(KafkaStore.overhead(d) > longest, KafkaStore.overhead(d) + " > " + longest);
        assertTrue(KafkaStore.overhead(d) < 64 * 1024, "and costs a 1 MiB topic little: " + KafkaStore.overhead(d));
    }

    @Test
    void theProducerIsClosedWhenTheServerStops() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(true);
        start(producer).close();
        assertFalse(producer.closed());
        server.stop();
        assertTrue(producer.closed());
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
