/**
 * A message store for {@code server-smtp} that commits each accepted message to a replicated Kafka
 * topic before answering 250: {@link dev.berth.smtp.kafka.KafkaStore}, its settings
 * ({@link dev.berth.smtp.kafka.KafkaStoreConfig}), and the {@code --smtp-store kafka} flags
 * ({@link dev.berth.smtp.kafka.KafkaStoreProvider}). docs/smtp-kafka.md describes the record format
 * and the delivery contract.
 */
package dev.berth.smtp.kafka;
