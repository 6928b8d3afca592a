package dev.berth.smtp.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The largest record batch the brokers accept for the topic, read once at start with the Admin
 * client: the topic's {@code max.message.bytes} (which the brokers report with their default when
 * the topic does not set it), else, for a topic not created yet, a broker's {@code message.max.bytes}.
 * Empty, with a warning, when the brokers cannot be asked: the store starts anyway.
 */
final class TopicRecordLimit {
    private static final Logger log = LoggerFactory.getLogger(TopicRecordLimit.class);
    static final String BROKER_MAX = "message.max.bytes";

    private TopicRecordLimit() {
    }

    /** Asks the brokers, waiting at most {@code wait} in all. */
    static OptionalLong read(Map<String, Object> producerProperties, String topic, Duration wait) {
        Map<String, Object> p = new HashMap<>();
        // Only what an Admin client understands: the connection and security settings, not the producer's own.
        producerProperties.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                p.put(k, v);
            }
        });
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, producerProperties.getOrDefault(AdminClientConfig.CLIENT_ID_CONFIG,
                "berth-smtp") + "-admin");
        // One question, asked once: re-bootstrapping an unreachable cluster only spins (and logs) until the wait ends.
        p.put(AdminClientConfig.METADATA_RECOVERY_STRATEGY_CONFIG, "none");
        int ms = (int) Math.max(1, wait.toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        long deadline = System.nanoTime() + wait.toNanos();
        Admin admin = null;
        try {
            admin = Admin.create(p);
            try {
                return OptionalLong.of(value(admin, new ConfigResource(ConfigResource.Type.TOPIC, topic),
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, deadline));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                Collection<Node> nodes = admin.describeCluster().nodes().get(left(deadline), TimeUnit.NANOSECONDS);
                if (nodes.isEmpty()) {
                    throw new TimeoutException("no broker in the cluster's description");
                }
                long max = value(admin, new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString()),
                        BROKER_MAX, deadline);
                log.info("kafka store: topic {} does not exist yet; the brokers' {} is {}", topic, BROKER_MAX, max);
                return OptionalLong.of(max);
            }
        } catch (ExecutionException e) {
            log.warn("kafka store: cannot read the largest record topic {} accepts: {}", topic, e.getCause().toString());
        } catch (TimeoutException e) {
            log.warn("kafka store: the brokers at {} did not answer within {} (are they down?); starting anyway",
                    producerProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG), wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("kafka store: cannot ask the brokers for topic {}'s record limit: {}", topic, e.toString());
        } finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(1)); // its calls have timed out by now; do not wait on them
            }
        }
        return OptionalLong.empty();
    }

    private static long value(Admin admin, ConfigResource resource, String name, long deadline)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(resource)).all()
                .get(left(deadline), TimeUnit.NANOSECONDS);
        ConfigEntry e = configs.get(resource).get(name);
        if (e == null || e.value() == null) {
            throw new ExecutionException(new IllegalStateException(resource + " has no " + name));
        }
        return Long.parseLong(e.value().trim());
    }

    private static long left(long deadline) {
        return Math.max(1, deadline - System.nanoTime());
    }
}
