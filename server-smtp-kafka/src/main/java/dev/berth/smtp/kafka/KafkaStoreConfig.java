package dev.berth.smtp.kafka;

import dev.berth.core.BerthException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how the Kafka store writes: the brokers, the topic, how long a record may take to be
 * acknowledged, and producer properties passed through as they are (TLS, SASL, client id, batching).
 * Immutable; made with {@link #builder()}.
 */
public final class KafkaStoreConfig {
    /** The topic when none is named. */
    public static final String DEFAULT_TOPIC = "berth-mail";
    /** The delivery timeout when none is given. */
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrap;
    private final String topic;
    private final Duration deliveryTimeout;
    private final Map<String, String> properties;

    private KafkaStoreConfig(Builder b) {
        if (b.bootstrap == null || b.bootstrap.isBlank()) {
            throw new BerthException("the Kafka store needs its brokers: --kafka-bootstrap HOST:PORT[,HOST:PORT...]",
                    "kafka-bootstrap");
        }
        if (b.topic == null || b.topic.isBlank()) {
            throw new BerthException("invalid value for --kafka-topic: the topic name is empty", "kafka-topic");
        }
        if (b.deliveryTimeout.isZero() || b.deliveryTimeout.isNegative()) {
            throw new BerthException("invalid value for --kafka-delivery-timeout: '" + b.deliveryTimeout
                    + "' is not positive", "kafka-delivery-timeout");
        }
        this.bootstrap = b.bootstrap.trim();
        this.topic = b.topic.trim();
        this.deliveryTimeout = b.deliveryTimeout;
        this.properties = Map.copyOf(b.properties);
        ProducerProperties.check(properties);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The brokers to start from, {@code HOST:PORT[,HOST:PORT...]}. */
    public String bootstrap() {
        return bootstrap;
    }

    public String topic() {
        return topic;
    }

    /** How long a record may take from the send to the brokers' acknowledgement; shorter than the handler timeout. */
    public Duration deliveryTimeout() {
        return deliveryTimeout;
    }

    /** The producer properties given as they are (the {@code --kafka-properties} file). */
    public Map<String, String> properties() {
        return properties;
    }

    /** Collects a {@link KafkaStoreConfig}'s settings; {@link #build()} checks them. */
    public static final class Builder {
        private String bootstrap;
        private String topic = DEFAULT_TOPIC;
        private Duration deliveryTimeout = DEFAULT_DELIVERY_TIMEOUT;
        private Map<String, String> properties = Map.of();

        private Builder() {
        }

        /** The brokers, {@code HOST:PORT[,HOST:PORT...]}; required. */
        public Builder bootstrap(String servers) {
            this.bootstrap = servers;
            return this;
        }

        public Builder topic(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        public Builder deliveryTimeout(Duration timeout) {
            this.deliveryTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Producer properties passed through as they are; those that would weaken the store's
         * durability ({@code acks}, {@code enable.idempotence}) or that the store sets itself are refused by {@link #build()}.
         */
        public Builder properties(Map<String, String> properties) {
            this.properties = Objects.requireNonNull(properties, "properties");
            return this;
        }

        /** The settings; fails with a {@link BerthException} naming the flag or property that is wrong. */
        public KafkaStoreConfig build() {
            return new KafkaStoreConfig(this);
        }
    }
}
