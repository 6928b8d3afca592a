package dev.berth.smtp.kafka;

import dev.berth.core.BerthException;
import dev.berth.core.launch.ModuleOption;
import dev.berth.core.launch.ModuleSettings;
import dev.berth.smtp.SmtpStore;
import dev.berth.smtp.SmtpStoreProvider;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** {@code --smtp-store kafka} and its {@code --kafka-*} flags, offered to the launcher by being on the class path. */
public final class KafkaStoreProvider implements SmtpStoreProvider {

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public List<ModuleOption> options() {
        return List.of(
                ModuleOption.of("kafka-bootstrap", "HOST:PORT[,...]", null,
                        "Kafka brokers for --smtp-store kafka (required with it)."),
                ModuleOption.of("kafka-topic", "NAME", KafkaStoreConfig.DEFAULT_TOPIC,
                        "Kafka topic that receives one record per accepted message."),
                ModuleOption.of("kafka-delivery-timeout", "DURATION", "30s",
                        "Wait for the brokers' acknowledgement (acks=all) before 451 4.3.0; shorter than"
                                + " --smtp-handler-timeout."),
                ModuleOption.of("kafka-properties", "FILE", null,
                        "Java properties file passed to the Kafka producer as is (TLS, SASL, client.id, batching);"
                                + " it cannot weaken acks=all or enable.idempotence=true."));
    }

    @Override
    public SmtpStore create(ModuleSettings s) {
        KafkaStoreConfig.Builder b = KafkaStoreConfig.builder()
                .bootstrap(s.get("kafka-bootstrap").orElse(null))
                .topic(s.string("kafka-topic", KafkaStoreConfig.DEFAULT_TOPIC))
                .deliveryTimeout(s.duration("kafka-delivery-timeout", KafkaStoreConfig.DEFAULT_DELIVERY_TIMEOUT));
        s.path("kafka-properties").ifPresent(f -> b.properties(load(f)));
        try {
            return new KafkaStore(b.build());
        } catch (BerthException e) {
            String file = s.get("kafka-properties").orElse(null);
            if (file == null || !e.getMessage().startsWith("invalid --kafka-properties: ")) {
                throw e;
            }
            throw new BerthException("invalid --kafka-properties " + file + ": "
                    + e.getMessage().substring("invalid --kafka-properties: ".length()), "kafka-properties");
        }
    }

    /** The file's properties; an unreadable file fails with one line naming it. */
    static Map<String, String> load(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new BerthException("cannot read --kafka-properties " + file + ": " + e.getMessage(), "kafka-properties");
        }
        Map<String, String> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k.trim(), p.getProperty(k).trim()));
        return m;
    }
}
