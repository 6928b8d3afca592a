package dev.berth.smtp.kafka;

import dev.berth.core.BerthException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The producer's properties: the pass-through ones, under Berth's durability settings and the
 * timeouts that keep every send inside the SMTP handler timeout.
 *
 * <p>Times, for a handler timeout H and a delivery timeout D (D &lt; H): a send may block up to
 * {@code max.block.ms} = min((H - D) / 2, 60 s) for metadata or room in the buffer (the session waits,
 * reading nothing: backpressure), then the record is acknowledged or failed within D, and the store
 * waits for that at most D + (H - D) / 4. So the store always answers before the handler timeout.
 */
final class ProducerProperties {
    /** Batching across sessions: a few milliseconds of linger let concurrent messages share a request. */
    static final int DEFAULT_LINGER_MS = 5;
    /** Kafka's defaults, which bound the record size when the file does not change them. */
    static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
    static final long DEFAULT_BUFFER_MEMORY = 32L * 1024 * 1024;

    private ProducerProperties() {
    }

    /** Refuses pass-through properties that would weaken durability or that the store sets from its flags. */
    static void check(Map<String, String> given) {
        String acks = given.get(ProducerConfig.ACKS_CONFIG);
        if (acks != null && !acks.trim().equalsIgnoreCase("all") && !acks.trim().equals("-1")) {
            throw refused("acks=" + acks.trim() + " would answer 250 before every in-sync replica has the message;"
                    + " the Kafka store always uses acks=all");
        }
        String idempotence = given.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
        if (idempotence != null && !idempotence.trim().equalsIgnoreCase("true")) {
            throw refused("enable.idempotence=" + idempotence.trim() + " would let retries duplicate or reorder records;"
                    + " the Kafka store always uses enable.idempotence=true");
        }
        refuseOwn(given, ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "set by --kafka-bootstrap");
        refuseOwn(given, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "set by --kafka-delivery-timeout");
        refuseOwn(given, ProducerConfig.MAX_BLOCK_MS_CONFIG, "derived from --smtp-handler-timeout and --kafka-delivery-timeout");
        refuseOwn(given, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "the key is the queue id's bytes");
        refuseOwn(given, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "the value is the message's bytes");
        refuseOwn(given, ProducerConfig.TRANSACTIONAL_ID_CONFIG, "the Kafka store does not use transactions");
    }

    private static void refuseOwn(Map<String, String> given, String key, String why) {
        if (given.containsKey(key)) {
            throw refused(key + " is not for the properties file: " + why);
        }
    }

    private static BerthException refused(String why) {
        return new BerthException("invalid --kafka-properties: " + why, "kafka-properties");
    }

    /** The producer's properties for a store with these settings under this handler timeout. */
    static Map<String, Object> of(KafkaStoreConfig config, Duration handlerTimeout) {
        Duration delivery = config.deliveryTimeout();
        Map<String, Object> p = new HashMap<>(config.properties());
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "berth-smtp");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(DEFAULT_LINGER_MS));
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms; its 30 s request timeout
        // would not fit under a short delivery timeout.
        long linger = longValue(p, ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS);
        p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                String.valueOf(Math.max(1, Math.min(30_000, delivery.toMillis() - linger))));
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(delivery.toMillis()));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(maxBlock(delivery, handlerTimeout).toMillis()));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** How long a send may block for metadata or buffer room. */
    static Duration maxBlock(Duration delivery, Duration handlerTimeout) {
        Duration half = handlerTimeout.minus(delivery).dividedBy(2);
        return half.compareTo(Duration.ofSeconds(60)) > 0 ? Duration.ofSeconds(60) : half;
    }

    /** How long the store waits for a sent record's acknowledgement: past the delivery timeout, inside the handler timeout. */
    static Duration ackWait(Duration delivery, Duration handlerTimeout) {
        return delivery.plus(handlerTimeout.minus(delivery).dividedBy(4));
    }

    /** The largest batch a request may carry, and the buffer: a record must fit in both. */
    static long recordCeiling(Map<String, Object> p) {
        return Math.min(longValue(p, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, DEFAULT_MAX_REQUEST_SIZE),
                longValue(p, ProducerConfig.BUFFER_MEMORY_CONFIG, DEFAULT_BUFFER_MEMORY));
    }

    private static long longValue(Map<String, Object> p, String key, long fallback) {
        Object v = p.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.toString().trim().toLowerCase(Locale.ROOT));
        } catch (NumberFormatException e) {
            throw refused(key + "=" + v + " is not a whole number");
        }
    }
}
