package dev.berth.smtp.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.launcher.Launcher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --smtp-store kafka} on the command line: its flags in the help, and bad settings refused at start in one line. */
class KafkaStoreStartTest {
    @TempDir
    Path dir;

    private String[] launch(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 6];
        System.arraycopy(new String[] {"--protocols", "smtp", "--smtp-port", "0", "--data-dir", dir.toString()}, 0,
                all, 0, 6);
        System.arraycopy(args, 0, all, 6, args.length);
        Launcher.Launch l = Launcher.launch(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        if (l.server != null) {
            l.server.stop();
        }
        return new String[] {Integer.toString(l.exitCode), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void helpListsTheKafkaFlagsAndTheStore() {
        String help = launch("--help")[1];
        for (String flag : new String[] {"--smtp-store", "--kafka-bootstrap", "--kafka-topic", "--kafka-delivery-timeout",
                "--kafka-properties"}) {
            assertTrue(help.contains(flag), flag);
        }
        assertTrue(help.contains("maildir (default), kafka"), help);
    }

    @Test
    void theKafkaStoreWithoutBrokersFailsAtStartInOneLine() {
        String[] r = launch("--smtp-store", "kafka");
        assertEquals(Integer.toString(Launcher.EXIT_CONFIG), r[0]);
        assertEquals("berth: the Kafka store needs its brokers: --kafka-bootstrap HOST:PORT[,HOST:PORT...]\n", r[2]);
    }

    @Test
    void aPropertiesFileThatSetsAcks1FailsAtStartInOneLine() throws IOException {
        Path file = Files.writeString(dir.resolve("producer.properties"), "client.id=mx1\nacks=1\n");
        String[] r = launch("--smtp-store", "kafka", "--kafka-bootstrap", "127.0.0.1:1", "--kafka-properties", file.toString());
        assertEquals(Integer.toString(Launcher.EXIT_CONFIG), r[0]);
        assertEquals("berth: invalid --kafka-properties " + file + ": acks=1 would answer 250 before every in-sync"
                + " replica has the message; the Kafka store always uses acks=all\n", r[2]);
    }

    @Test
    void aPropertiesFileThatTurnsIdempotenceOffFailsAtStartInOneLine() throws IOException {
        Path file = Files.writeString(dir.resolve("producer.properties"), "enable.idempotence=false\n");
        String[] r = launch("--smtp-store", "kafka", "--kafka-bootstrap", "127.0.0.1:1", "--kafka-properties", file.toString());
        assertEquals(Integer.toString(Launcher.EXIT_CONFIG), r[0]);
        assertTrue(r[2].startsWith("berth: invalid --kafka-properties " + file + ": enable.idempotence=false would "), r[2]);
        assertEquals(1, r[2].split("\n").length, r[2]);
    }

    @Test
    void aMissingPropertiesFileFailsAtStartNamingTheFlag() {
        String[] r = launch("--smtp-store", "kafka", "--kafka-bootstrap", "127.0.0.1:1", "--kafka-properties", "no-such.properties");
        assertEquals(Integer.toString(Launcher.EXIT_CONFIG), r[0]);
        assertTrue(r[2].startsWith("berth: cannot read --kafka-properties no-such.properties: "), r[2]);
        assertEquals(1, r[2].split("\n").length, r[2]);
    }

    @Test
    void aDeliveryTimeoutNotShorterThanTheHandlerTimeoutFailsAtStartInOneLine() {
        String[] r = launch("--smtp-store", "kafka", "--kafka-bootstrap", "127.0.0.1:1", "--kafka-delivery-timeout", "20s",
                "--smtp-handler-timeout", "20s");
        assertEquals(Integer.toString(Launcher.EXIT_CONFIG), r[0]);
        assertEquals("berth: --kafka-delivery-timeout (20s) must be shorter than --smtp-handler-timeout (20s)\n", r[2]);
    }

    @Test
    void aDeliveryTimeoutLessThanTwoSecondsShorterThanTheHandlerTimeoutFailsAtStartInOneLine() {
        String[] r = launch("--smtp-store", "kafka", "--kafka-bootstrap", "127.0.0.1:1", "--kafka-delivery-timeout",
                "19500ms", "--smtp-handler-timeout", "20s");
        assertEquals(Integer.toString(Launcher.EXIT_CONFIG), r[0]);
        assertTrue(r[2].startsWith("berth: --kafka-delivery-timeout (19500ms) must be at least 2s shorter than"
                + " --smtp-handler-timeout (20s)"), r[2]);
        assertEquals(1, r[2].lines().count(), r[2]);
    }

    @Test
    void producerSettingsKafkaRefusesFailAtStartInOneLine() throws IOException {
        // 10 s of request timeout cannot fit in a 5 s delivery timeout: Kafka's own check, in Berth's words
        Path file = Files.writeString(dir.resolve("producer.properties"), "request.timeout.ms=10000\n");
        String[] r = launch("--smtp-store", "kafka", "--kafka-bootstrap", "127.0.0.1:1", "--kafka-properties", file.toString(),
                "--kafka-delivery-timeout", "5s");
        assertEquals(Integer.toString(Launcher.EXIT_CONFIG), r[0]);
        assertTrue(r[2].startsWith("berth: invalid Kafka producer setting: "), r[2]);
        assertTrue(r[2].contains("delivery.timeout.ms"), r[2]);
        assertEquals(1, r[2].split("\n").length, r[2]);
    }
}
