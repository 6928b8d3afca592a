package dev.berth.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A three-node Kafka cluster in KRaft mode for the tests: Kafka's own server jars, each node a broker and
 * a controller in its own JVM on loopback, storage formatted with Kafka's storage tool. Nodes can be killed
 * with SIGKILL and started again on the same ports and data. Register it as a static extension (it prints
 * the nodes' log tails when a test fails and stops the nodes after the class) and start it in
 * {@code @BeforeAll}: one cluster per test class, as it costs about 20 s of start on two cores.
 *
 * <p>Why three combined nodes rather than three controllers plus brokers: half the JVMs, and a node's
 * death still leaves a quorum of two controllers and two in-sync replicas (topics have replication
 * factor 3 and {@code min.insync.replicas=2}), so one node down is what the tests want to survive.
 */
public final class KafkaCluster implements TestWatcher, AfterAllCallback {
    private static final Logger log = LoggerFactory.getLogger(KafkaCluster.class);
    private static final int NODES = 3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    private static final int TAIL_LINES = 60;
    /** How many times the cluster is started on new ports when a node finds one of its ports taken. */
    private static final int PORT_ATTEMPTS = 3;

    private final List<KafkaNode> nodes = new ArrayList<>();
    private Path logback;
    private String classPath;

    /** Formats three nodes' storage under {@code dir} and starts them; returns when all three brokers serve. */
    public void start(Path dir) {
        if (!nodes.isEmpty()) {
            fail("the Kafka cluster was already started in " + nodes.get(0).logFile().getParent());
        }
        try {
            Files.createDirectories(dir);
            logback = Files.writeString(dir.resolve("logback.xml"), LOGBACK);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The test's own class path holds kafka_2.13 and everything it needs (see integration-tests' pom).
        classPath = System.getProperty("java.class.path");
        // A test JVM that dies (a fork timeout, a crash) must not leave three brokers running.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> nodes.forEach(KafkaNode::destroy), "kafka nodes' end"));
        for (int attempt = 1; ; attempt++) {
            Path base = attempt == 1 ? dir : dir.resolve("attempt-" + attempt);
            Set<Integer> ports = new HashSet<>(); // the system may hand out a port it just handed out
            for (int id = 1; id <= NODES; id++) {
                nodes.add(new KafkaNode(id, distinctPort(ports), distinctPort(ports), base.resolve("node-" + id)));
            }
            String voters = nodes.stream().map(KafkaNode::voter).collect(Collectors.joining(","));
            String clusterId = Uuid.randomUuid().toString();
            Instant began = Instant.now();
            nodes.forEach(n -> n.format(clusterId, voters));
            try {
                start();
                log.info("Kafka cluster {} up in {} ms: {}", clusterId, Duration.between(began, Instant.now()).toMillis(), nodes);
                return;
            } catch (AssertionError e) {
                // A port found free was taken by another process of the suite before the node bound it: new ports.
                if (attempt == PORT_ATTEMPTS || !lostAPort()) {
                    throw e;
                }
                log.warn("a Kafka node lost its port to another process before binding it (attempt {} of {}); "
                        + "starting the cluster again on new ports", attempt, PORT_ATTEMPTS);
                nodes.forEach(KafkaNode::destroy);
                nodes.clear();
            }
        }
    }

    /** A free loopback port not in {@code taken}, added to it. */
    private static int distinctPort(Set<Integer> taken) {
        for (int i = 0; ; i++) {
            int port = Ports.freeLoopbackPort();
            if (taken.add(port) || i == 100) {
                return port;
            }
        }
    }

    /** True when a node that exited says in its log that its address was in use. */
    private boolean lostAPort() {
        return nodes.stream().filter(n -> !n.isAlive()).anyMatch(n -> {
            try {
                return Files.exists(n.logFile()) && Files.readString(n.logFile()).contains("Address already in use");
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Starts every node that is not running (all of them after {@link #stopAll()}) and waits until each serves. */
    public void start() {
        List<Integer> started = new ArrayList<>();
        for (KafkaNode n : nodes) {
            if (!n.isAlive()) {
                n.start(logback, classPath);
                started.add(n.id());
            }
        }
        awaitBrokers(started);
    }

    /** Starts node {@code id} (1 to 3) again after {@link #kill(int)}; returns when its broker serves. */
    public void start(int id) {
        node(id).start(logback, classPath);
        awaitBrokers(List.of(id));
    }

    /** SIGKILL to node {@code id} (1 to 3): its broker and its controller die at once, as in a crash. */
    public void kill(int id) {
        node(id).kill();
    }

    /** SIGKILL to every node: no broker and no controller left; every node is killed before a failure is reported. */
    public void stopAll() {
        AssertionError first = null;
        for (KafkaNode n : nodes) {
            try {
                n.kill();
            } catch (AssertionError e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** {@code 127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3}, every node's broker listener. */
    public String bootstrap() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.brokerPort()).collect(Collectors.joining(","));
    }

    /** Node ids whose process is running. */
    public List<Integer> running() {
        return nodes.stream().filter(KafkaNode::isAlive).map(KafkaNode::id).collect(Collectors.toList());
    }

    /**
     * Creates {@code topic} with {@code partitions} partitions, replication factor 3, {@code min.insync.replicas=2}
     * and any other topic {@code configs}, and waits until every partition has a leader and three in-sync replicas.
     */
    public void createTopic(String topic, int partitions, Map<String, String> configs) {
        Map<String, String> all = new HashMap<>(configs);
        all.put("min.insync.replicas", "2");
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) NODES).configs(all))).all()
                    .get(SETTLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            fail("cannot create the topic " + topic + ": " + e + "\n" + tails());
        }
        awaitInSync(topic);
    }

    /** Waits until every partition of {@code topic} has a leader and all three replicas in sync (after a restart). */
    public void awaitInSync(String topic) {
        Instant deadline = Instant.now().plus(SETTLE_TIMEOUT);
        String last = "nothing yet";
        try (Admin admin = admin()) {
            while (Instant.now().isBefore(deadline)) {
                try {
                    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                            .get(10, TimeUnit.SECONDS).get(topic);
                    last = d.partitions().toString();
                    if (d.partitions().stream().allMatch(p -> p.leader() != null && p.isr().size() == NODES)) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e.toString();
                }
                sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        fail("the partitions of " + topic + " did not get three in-sync replicas within " + SETTLE_TIMEOUT + ": " + last
                + "\n" + tails());
    }

    /** The node that leads {@code partition} of {@code topic} now. */
    public int leaderOf(String topic, int partition) {
        try (Admin admin = admin()) {
            TopicPartitionInfo p = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().get(partition);
            if (p.leader() == null) {
                fail(topic + "-" + partition + " has no leader: " + p + "\n" + tails());
            }
            return p.leader().id();
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            return fail("cannot describe " + topic + ": " + e + "\n" + tails());
        }
    }

    /**
     * Every record of {@code topic}, partition by partition in offset order, read from the beginning up to the
     * end offsets as they are when the call begins (with {@code read_committed}: only what the brokers committed).
     */
    public List<KafkaRecord> records(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 * 1024 * 1024));
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        List<KafkaRecord> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, READ_TIMEOUT).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).sorted((a, b) -> a.partition() - b.partition())
                    .collect(Collectors.toList());
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, List<KafkaRecord>> byPartition = new HashMap<>();
            Instant deadline = Instant.now().plus(READ_TIMEOUT);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, READ_TIMEOUT) < end.get(tp))) {
                if (Instant.now().isAfter(deadline)) {
                    fail("could not read " + topic + " to its end offsets " + end + " within " + READ_TIMEOUT + "\n"
                            + tails());
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < end.get(tp)) {
                        List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
                        for (Header h : r.headers()) {
                            headers.add(Map.entry(h.key(), h.value() == null ? new byte[0] : h.value()));
                        }
                        byPartition.computeIfAbsent(tp, k -> new ArrayList<>())
                                .add(new KafkaRecord(r.partition(), r.offset(), r.key(), r.value(), List.copyOf(headers)));
                    }
                }
            }
            partitions.forEach(tp -> out.addAll(byPartition.getOrDefault(tp, List.of())));
        }
        return out;
    }

    /** An admin client of this cluster with short timeouts; the caller closes it. */
    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return Admin.create(p);
    }

    /** The last lines of every node's log, for failure messages. */
    public String tails() {
        StringBuilder s = new StringBuilder();
        for (KafkaNode n : nodes) {
            s.append("\n----- Kafka ").append(n).append(n.isAlive() ? ", running" : ", not running").append(": last ")
                    .append(TAIL_LINES).append(" lines of ").append(n.logFile()).append(" -----\n").append(n.tail(TAIL_LINES));
        }
        return s.toString();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (!nodes.isEmpty()) {
            System.err.println(context.getDisplayName() + " failed; the Kafka nodes' logs end with:" + tails());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stopAll();
    }

    private void awaitBrokers(List<Integer> ids) {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        Set<Integer> serving = Set.of();
        try (Admin admin = admin()) {
            while (Instant.now().isBefore(deadline)) {
                for (int id : ids) {
                    if (!node(id).isAlive()) {
                        fail("Kafka node " + id + " exited while starting; its log ends with:\n" + node(id).tail(TAIL_LINES));
                    }
                }
                try {
                    // describeCluster lists the brokers the controller has registered and not fenced.
                    serving = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream().map(Node::id)
                            .collect(Collectors.toSet());
                    if (serving.containsAll(ids)) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // No broker answers yet.
                }
                sleep(250);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Set<Integer> up = serving;
        fail("Kafka nodes " + ids.stream().filter(i -> !up.contains(i)).collect(Collectors.toList()) + " did not serve within "
                + START_TIMEOUT + " (serving: " + up + ")" + tails());
    }

    private KafkaNode node(int id) {
        if (id < 1 || id > nodes.size()) {
            fail("no Kafka node " + id + "; the nodes are " + IntStream.rangeClosed(1, nodes.size()).boxed()
                    .collect(Collectors.toList()));
        }
        return nodes.get(id - 1);
    }

    private static void sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    /** The nodes log at INFO to their output (the node's log file), without the configuration dumps. */
    private static final String LOGBACK = String.join("\n",
            "<configuration>",
            "  <statusListener class=\"ch.qos.logback.core.status.NopStatusListener\"/>",
            "  <appender name=\"out\" class=\"ch.qos.logback.core.ConsoleAppender\">",
            "    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>",
            "  </appender>",
            "  <logger name=\"org.apache.kafka.common.config.AbstractConfig\" level=\"WARN\"/>",
            "  <logger name=\"org.apache.kafka.common.utils.AppInfoParser\" level=\"WARN\"/>",
            "  <logger name=\"state.change.logger\" level=\"WARN\"/>",
            "  <root level=\"INFO\"><appender-ref ref=\"out\"/></root>",
            "</configuration>",
            "");
}
