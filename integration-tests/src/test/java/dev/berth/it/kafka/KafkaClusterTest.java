package dev.berth.it.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.berth.it.support.KafkaCluster;
import dev.berth.it.support.KafkaRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test cluster itself, with nothing of Berth: records produced with {@code acks=all} survive the
 * SIGKILL of the partition's leader, the two remaining nodes take more, and the killed node comes back
 * into sync.
 */
class KafkaClusterTest {
    private static final String TOPIC = "cluster-proof";

    @TempDir
    static Path dir;

    @RegisterExtension
    static final KafkaCluster kafka = new KafkaCluster();

    @BeforeAll
    static void cluster() {
        kafka.start(dir.resolve("kafka"));
        kafka.createTopic(TOPIC, 1, Map.of());
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static List<byte[]> send(KafkaProducer<byte[], byte[]> producer, String prefix, int count) throws Exception {
        List<byte[]> values = new ArrayList<>();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] value = (prefix + "-" + i + "\r\n\u00e9\u0000").getBytes(StandardCharsets.UTF_8);
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(TOPIC, (prefix + "-" + i).getBytes(StandardCharsets.UTF_8),
                    value);
            r.headers().add("prefix", prefix.getBytes(StandardCharsets.UTF_8));
            values.add(value);
            acks.add(producer.send(r));
        }
        for (Future<RecordMetadata> f : acks) {
            f.get(90, TimeUnit.SECONDS);
        }
        return values;
    }

    @Test
    void acknowledgedRecordsSurviveTheLeadersSigkillAndTheRestartedNodeCatchesUp() throws Exception {
        List<byte[]> sent = new ArrayList<>();
        int leader;
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            sent.addAll(send(producer, "before", 10));
            leader = kafka.leaderOf(TOPIC, 0);
            kafka.kill(leader);
            sent.addAll(send(producer, "after", 10));
        }
        assertNotEquals(leader, kafka.leaderOf(TOPIC, 0), "another node leads the partition after the SIGKILL");

        List<KafkaRecord> read = kafka.records(TOPIC);
        assertEquals(sent.size(), read.size(), () -> "every acknowledged record, once: " + read);
        for (int i = 0; i < sent.size(); i++) {
            String prefix = i < 10 ? "before" : "after";
            assertArrayEquals(sent.get(i), read.get(i).value(), "record " + i + " byte for byte");
            assertEquals(prefix + "-" + (i % 10), read.get(i).keyText());
            assertEquals(prefix, read.get(i).header("prefix"));
        }

        kafka.start(leader);
        kafka.awaitInSync(TOPIC);
        assertEquals(List.of(1, 2, 3), kafka.running());
    }
}
