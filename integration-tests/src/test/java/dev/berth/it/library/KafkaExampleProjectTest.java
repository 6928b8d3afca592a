package dev.berth.it.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.Program;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * examples/kafka-to-maildir, the Kafka store's consumer, built as the separate project it is (its own
 * tests run: a record read again is delivered once), against the same Kafka client as server-smtp-kafka.
 */
class KafkaExampleProjectTest {

    @Test
    void theConsumerExampleBuildsWithItsTestsAndTheStoresKafkaClient() throws IOException {
        Path root = Path.of(System.getProperty("berth.root")).toAbsolutePath().normalize();
        Path project = root.resolve("examples").resolve("kafka-to-maildir");
        Program.require("mvn", "maven").args("-B", "-q", "-f", project.resolve("pom.xml").toString(), "clean", "package")
                .timeout(Duration.ofMinutes(5)).run().assertSuccess();
        assertTrue(Files.isRegularFile(project.resolve("target").resolve("kafka-to-maildir-1.0.jar")));
        assertTrue(Files.readString(project.resolve("target").resolve("surefire-reports")
                .resolve("example.kafkamaildir.KafkaToMaildirTest.txt")).contains("Failures: 0, Errors: 0"));
        assertEquals(kafkaVersion(root.resolve("pom.xml")), kafkaVersion(project.resolve("pom.xml")),
                "the example reads with the Kafka client the store writes with");
    }

    private static String kafkaVersion(Path pom) throws IOException {
        Matcher m = Pattern.compile("<kafka\\.version>([^<]+)</kafka\\.version>").matcher(Files.readString(pom));
        assertTrue(m.find(), "kafka.version in " + pom);
        return m.group(1);
    }
}
