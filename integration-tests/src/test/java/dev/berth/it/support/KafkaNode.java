package dev.berth.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kafka.tools.StorageTool$;

/**
 * One node of a {@link KafkaCluster}: Kafka's own {@code kafka.Kafka} server in its own JVM, broker and
 * KRaft controller at once, with fixed loopback ports (kept across restarts), its own log directory and
 * a log file that every start of the node appends to.
 */
final class KafkaNode {
    /** Small heaps and a quick JIT: three of these share two cores with Berth and the clients. */
    private static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Xss512k", "-Djava.awt.headless=true");
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);

    private final int id;
    private final int brokerPort;
    private final int controllerPort;
    private final Path dir;
    private final Path logFile;
    private Process process;

    KafkaNode(int id, int brokerPort, int controllerPort, Path dir) {
        this.id = id;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.dir = dir;
        this.logFile = dir.resolve("node-" + id + ".log");
    }

    int id() {
        return id;
    }

    int brokerPort() {
        return brokerPort;
    }

    String voter() {
        return id + "@127.0.0.1:" + controllerPort;
    }

    Path logFile() {
        return logFile;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Writes the node's configuration for a cluster of {@code voters} and formats its log directory. */
    void format(String clusterId, String voters) {
        try {
            Files.createDirectories(dir);
            Files.writeString(properties(), String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=" + id,
                    "controller.quorum.voters=" + voters,
                    "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "log.dirs=" + dir.resolve("data"),
                    // Topics are made by the tests, with replication factor 3 and min.insync.replicas=2.
                    "auto.create.topics.enable=false",
                    "num.partitions=1",
                    "default.replication.factor=3",
                    "min.insync.replicas=2",
                    "offsets.topic.replication.factor=3",
                    "offsets.topic.num.partitions=3",
                    "transaction.state.log.replication.factor=3",
                    "transaction.state.log.min.isr=2",
                    "share.coordinator.state.topic.replication.factor=3",
                    "share.coordinator.state.topic.min.isr=2",
                    "group.initial.rebalance.delay.ms=0",
                    // A killed node is fenced (and leaves the in-sync replicas) after 3 s, not the default 9 s.
                    "broker.heartbeat.interval.ms=500",
                    "broker.session.timeout.ms=3000",
                    "replica.lag.time.max.ms=5000",
                    // Few threads: the defaults are sized for a server, not for three nodes on two cores.
                    "num.network.threads=2",
                    "num.io.threads=2",
                    "background.threads=2",
                    "num.replica.fetchers=1",
                    "num.recovery.threads.per.data.dir=1",
                    "log.cleaner.threads=1",
                    "log.cleaner.dedupe.buffer.size=4194304",
                    ""));
            // Kafka's own storage tool (what kafka-storage.sh format runs) writes meta.properties and the
            // bootstrap metadata; run in the test's JVM, it saves three JVM starts of a few CPU seconds each.
            int code;
            try (PrintStream out = new PrintStream(new FileOutputStream(logFile.toFile(), true), true, StandardCharsets.UTF_8)) {
                log("formatting with kafka.tools.StorageTool");
                code = StorageTool$.MODULE$.execute(new String[] {"format", "--cluster-id", clusterId,
                        "--config", properties().toString(), "--ignore-formatted"}, out);
            } catch (RuntimeException e) {
                throw new AssertionError("Kafka's storage tool cannot format node " + id + ": " + e + "\n" + tail(40), e);
            }
            if (code != 0) {
                fail("Kafka's storage tool exited " + code + " formatting node " + id + ":\n" + tail(40));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot format Kafka node " + id, e);
        }
    }

    /** Starts the server process; it is up once the cluster reports the broker (see {@link KafkaCluster}). */
    void start(Path logback, String classPath) {
        if (isAlive()) {
            fail("Kafka node " + id + " is already running (pid " + process.pid() + ")");
        }
        process = java(List.of("kafka.Kafka", properties().toString()), logback, classPath);
        log("started, pid " + process.pid());
    }

    /** SIGKILL, as a crash would, and waits for the process to be gone. */
    void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("Kafka node " + id + " (pid " + process.pid() + ") is still alive " + KILL_TIMEOUT + " after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        log("killed (SIGKILL), exit code " + process.exitValue());
    }

    /** SIGKILL without waiting, for a JVM on its way out. */
    void destroy() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    /** The last {@code lines} lines of the node's log file. */
    String tail(int lines) {
        try {
            if (!Files.exists(logFile)) {
                return "(no log yet)";
            }
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            List<String> last = new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size()));
            if (all.size() > lines) {
                last.add(0, "[... " + (all.size() - lines) + " earlier lines in " + logFile + "]");
            }
            return String.join("\n", last);
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    /** A line of the test's own in the node's log, so that a reader sees where the test killed or started it. */
    private void log(String event) {
        try {
            Files.writeString(logFile, "===== [test] node " + id + " " + event + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code java OPTIONS -cp CLASSPATH MAIN ARGS...}, its output appended to the node's log file. */
    private Process java(List<String> mainAndArgs, Path logback, String classPath) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-Dlogback.configurationFile=" + logback);
        command.add("-cp");
        command.add(classPath);
        command.addAll(mainAndArgs);
        try {
            return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", mainAndArgs), e);
        }
    }

    private Path properties() {
        return dir.resolve("server.properties");
    }

    @Override
    public String toString() {
        return "node " + id + " (broker 127.0.0.1:" + brokerPort + ", controller 127.0.0.1:" + controllerPort + ")";
    }
}
