package dev.berth.smtp.kafka;

import dev.berth.core.BerthException;
import dev.berth.core.spi.ServerContext;
import dev.berth.smtp.SmtpConfig;
import dev.berth.smtp.SmtpStore;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message store that commits each accepted message to a Kafka topic, one record per message, and
 * answers 250 only once every in-sync replica has it ({@code acks=all}, idempotent producer). Opened
 * for each server with one producer that all its sessions share; closed when the server stops.
 *
 * <pre>{@code
 * SmtpModule.builder()
 *     .store(new KafkaStore(KafkaStoreConfig.builder().bootstrap("kafka1:9092,kafka2:9092").build()))
 *     .build();
 * }</pre>
 */
public final class KafkaStore implements SmtpStore {
    private static final Logger log = LoggerFactory.getLogger(KafkaStore.class);
    /** The longest the store waits at start for the brokers to say how large a record may be. */
    static final Duration LIMIT_WAIT = Duration.ofSeconds(10);
    /** The least time between the delivery timeout and the handler timeout (see {@code ProducerProperties.maxBlock}). */
    static final Duration MIN_GAP = Duration.ofSeconds(2);
    /** The longest the producer's close waits for records still buffered when the server stops. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    /** Room per envelope line (a path, a name) in the record's headers and trace headers, beyond the line itself. */
    private static final int PER_LINE = 32;
    /** The record batch's own header and the record's framing, with room to spare. */
    private static final int FRAMING = 1024;

    private final KafkaStoreConfig config;
    private final Function<Map<String, Object>, Producer<byte[], byte[]>> producers;
    private final RecordLimit limits;

    /** A store with these settings. */
    public KafkaStore(KafkaStoreConfig config) {
        this(config, KafkaProducer::new, (p, topic) -> TopicRecordLimit.read(p, topic, LIMIT_WAIT));
    }

    /** A store whose producers and record limit come from elsewhere (tests). */
    KafkaStore(KafkaStoreConfig config, Function<Map<String, Object>, Producer<byte[], byte[]>> producers,
               RecordLimit limits) {
        this.config = Objects.requireNonNull(config, "config");
        this.producers = producers;
        this.limits = limits;
    }

    /** How the store learns the largest record batch the topic takes (empty: the brokers could not say). */
    @FunctionalInterface
    interface RecordLimit {
        OptionalLong of(Map<String, Object> producerProperties, String topic);
    }

    public KafkaStoreConfig config() {
        return config;
    }

    @Override
    public Open open(ServerContext server, SmtpConfig smtp) {
        Duration delivery = config.deliveryTimeout();
        if (delivery.compareTo(smtp.handlerTimeout()) >= 0) {
            throw new BerthException("--kafka-delivery-timeout (" + human(delivery) + ") must be shorter than"
                    + " --smtp-handler-timeout (" + human(smtp.handlerTimeout()) + ")", "kafka-delivery-timeout");
        }
        if (smtp.handlerTimeout().minus(delivery).compareTo(MIN_GAP) < 0) {
            // half the gap is what a send may wait for buffer room or metadata: with less, sends fail at once
            throw new BerthException("--kafka-delivery-timeout (" + human(delivery) + ") must be at least "
                    + human(MIN_GAP) + " shorter than --smtp-handler-timeout (" + human(smtp.handlerTimeout())
                    + "): the store needs that time to wait for the brokers' metadata and buffer room",
                    "kafka-delivery-timeout");
        }
        Map<String, Object> properties = ProducerProperties.of(config, smtp.handlerTimeout());
        Producer<byte[], byte[]> producer;
        try {
            producer = producers.apply(properties); // checks the settings; connects only on the first send
        } catch (KafkaException e) {
            throw new BerthException("invalid Kafka producer setting: " + message(e)
                    + " (see --kafka-properties and --kafka-delivery-timeout)", "kafka-properties");
        }
        long ceiling = ProducerProperties.recordCeiling(properties);
        OptionalLong topicLimit = limits.of(properties, config.topic());
        long batch = Math.min(ceiling, topicLimit.orElse(ceiling));
        long max = batch - overhead(smtp);
        if (max < 1) {
            producer.close(Duration.ZERO);
            throw new BerthException("the Kafka store cannot take any message: topic " + config.topic() + " accepts "
                    + batch + " octets per record, less than the " + overhead(smtp)
                    + " the envelope may need (raise the topic's max.message.bytes)", "kafka-topic");
        }
        if (topicLimit.isEmpty()) {
            log.warn("kafka store: the largest message is taken from the producer's max.request.size alone: {} octets",
                    max);
        }
        Duration ackWait = ProducerProperties.ackWait(delivery, smtp.handlerTimeout());
        log.info("smtp stores mail in Kafka topic {} at {} (acks=all, delivery timeout {}, records up to {} octets)",
                config.topic(), config.bootstrap(), human(delivery), batch);
        // At close every session has had its answer; what is still buffered belongs to no 250 and gets a short wait.
        Duration closeWait = delivery.compareTo(CLOSE_WAIT) < 0 ? delivery : CLOSE_WAIT;
        return new KafkaMessages(producer, config.topic(), ackWait, closeWait, max, server.meterRegistry());
    }

    /**
     * What a record adds to the content as the client sends it: the trace headers and the envelope's
     * record headers, each line at most a command line long (a path, the HELO name, the AUTH identity),
     * one per recipient, and the batch's framing.
     */
    static long overhead(SmtpConfig smtp) {
        return (long) (smtp.maxRecipients() + 6) * (smtp.maxCommandLine() + PER_LINE) + FRAMING;
    }

    private static String message(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() != null && t.getMessage().startsWith("Failed to construct")) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    @Override
    public String toString() {
        return "KafkaStore[" + config.topic() + " at " + config.bootstrap() + "]";
    }
}
