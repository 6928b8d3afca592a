package dev.berth.smtp.kafka;

import dev.berth.smtp.MailTransaction;
import dev.berth.smtp.SmtpMessageHandler;
import dev.berth.smtp.SmtpReply;
import dev.berth.smtp.SmtpSession;
import dev.berth.smtp.SmtpStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka store opened for one server: one producer, shared by every session, sends each message
 * as one record and answers 250 only once the brokers have acknowledged it (acks=all); any error, or
 * no acknowledgement in time, answers {@code 451 4.3.0} and the message is not reported as stored, but a record
 * the brokers refuse for its size answers {@code 552 5.3.4}, since sending it again cannot help.
 */
final class KafkaMessages implements SmtpStore.Open {
    private static final Logger log = LoggerFactory.getLogger(KafkaMessages.class);
    static final SmtpReply NOT_STORED = SmtpReply.of(451, "4.3.0", "Cannot store the message now, try again later");
    /** The brokers refuse the record for its size: trying again cannot help (the topic's limit fell since start). */
    static final SmtpReply TOO_LARGE = SmtpReply.of(552, "5.3.4", "Message too big for the message store");

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Duration ackWait;
    private final Duration closeWait;
    private final long maxMessageSize;
    private final Counter acked;
    private final Counter failed;

    KafkaMessages(Producer<byte[], byte[]> producer, String topic, Duration ackWait, Duration closeWait,
                  long maxMessageSize, MeterRegistry registry) {
        this.producer = producer;
        this.topic = topic;
        this.ackWait = ackWait;
        this.closeWait = closeWait;
        this.maxMessageSize = maxMessageSize;
        this.acked = records(registry, "acked");
        this.failed = records(registry, "failed");
    }

    private Counter records(MeterRegistry registry, String result) {
        return Counter.builder("berth.smtp.kafka.records").description("Records the Kafka store sent, by result")
                .tag("topic", topic).tag("result", result).register(registry);
    }

    @Override
    public SmtpMessageHandler create(SmtpSession session) {
        return this::store;
    }

    @Override
    public OptionalLong maxMessageSize() {
        return OptionalLong.of(maxMessageSize);
    }

    private SmtpReply store(MailTransaction tx, InputStream content) throws IOException {
        byte[] value = withTraceHeaders(tx, content); // throws when the server refused the content: nothing sent
        String problem;
        Throwable cause;
        try {
            Future<RecordMetadata> sent = producer.send(MessageRecord.of(topic, tx, value, Instant.now()));
            RecordMetadata m = sent.get(ackWait.toMillis(), TimeUnit.MILLISECONDS);
            acked.increment();
            log.debug("stored {} ({} octets) in {}-{} at offset {}", tx.id(), value.length, m.topic(), m.partition(),
                    m.offset());
            return SmtpReply.of(250, "2.0.0", "OK queued as " + tx.id());
        } catch (ExecutionException e) {
            cause = e.getCause();
            problem = String.valueOf(cause);
        } catch (TimeoutException e) {
            cause = e;
            problem = "no acknowledgement within " + ackWait;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cause = e;
            problem = "interrupted while waiting for the acknowledgement";
        } catch (RuntimeException e) {
            cause = e;
            problem = e.toString(); // send itself refused: the producer is closed, or the record is larger than it takes
        }
        failed.increment();
        log.warn("kafka store: message {} not stored in topic {}: {}", tx.id(), topic, problem);
        return cause instanceof RecordTooLargeException ? TOO_LARGE : NOT_STORED;
    }

    private static byte[] withTraceHeaders(MailTransaction tx, InputStream content) throws IOException {
        byte[] head = tx.traceHeaders().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + 16 * 1024);
        out.write(head);
        content.transferTo(out);
        return out.toByteArray();
    }

    /** Sends what is still buffered and closes the producer, waiting at most the close deadline. */
    @Override
    public void close() {
        producer.close(closeWait);
    }

    @Override
    public String toString() {
        return "KafkaStore[" + topic + "]";
    }
}
