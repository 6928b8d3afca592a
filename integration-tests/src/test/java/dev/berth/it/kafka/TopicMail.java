package dev.berth.it.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.KafkaRecord;
import dev.berth.it.support.Maildir;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The messages Berth's Kafka store wrote to a topic, checked against what the clients sent. */
final class TopicMail {
    private final List<KafkaRecord> records;

    TopicMail(List<KafkaRecord> records) {
        this.records = List.copyOf(records);
    }

    List<KafkaRecord> records() {
        return records;
    }

    /** The records whose value holds {@code marker}. */
    List<KafkaRecord> containing(String marker) {
        return records.stream().filter(r -> new String(r.value(), StandardCharsets.ISO_8859_1).contains(marker))
                .collect(Collectors.toList());
    }

    /** The one record whose value holds {@code marker}; none or several fails the test. */
    KafkaRecord one(String marker) {
        List<KafkaRecord> found = containing(marker);
        assertEquals(1, found.size(), () -> found.size() + " records hold " + marker + " (expected one) among "
                + records.size() + ": " + found);
        return found.get(0);
    }

    /** The records keyed {@code queueId}, in offset order. */
    List<KafkaRecord> keyed(String queueId) {
        return records.stream().filter(r -> queueId.equals(r.keyText())).collect(Collectors.toList());
    }

    /**
     * Checks a record as the store's contract says: the value is Berth's trace headers (Return-Path, then
     * Received naming the queue id) followed by exactly {@code sent}; the key and {@code berth-queue-id} are
     * the queue id; the envelope headers are there. Returns the trace headers.
     */
    static String assertStoredExactly(byte[] sent, KafkaRecord r) {
        String trace = Maildir.assertStoredExactly(sent, r.value());
        String id = r.keyText();
        assertTrue(id != null && !id.isEmpty(), () -> "the record has the queue id as its key: " + r);
        assertEquals(id, r.header("berth-queue-id"), () -> "berth-queue-id is the key: " + r);
        assertTrue(trace.contains(" id " + id), () -> "the Received header names the queue id " + id + ":\n" + trace);
        assertFalse(r.headers("berth-rcpt-to").isEmpty(), () -> "at least one berth-rcpt-to: " + r);
        assertTrue(r.header("berth-mail-from") != null && r.header("berth-client-address") != null
                && r.header("berth-body") != null, () -> "the envelope headers: " + r);
        Instant.parse(r.header("berth-received-at"));
        return trace;
    }

    /**
     * Every acknowledged attempt (250 with a queue id) has a record under that queue id, each copy
     * exactly the bytes sent; returns the number of records beyond one per acknowledged message.
     */
    int assertEveryAcknowledgedMessageStored(List<SmtpBurst.Attempt> attempts) {
        Map<String, SmtpBurst.Attempt> acked = new LinkedHashMap<>();
        for (SmtpBurst.Attempt a : attempts) {
            if (a.acknowledged()) {
                acked.put(a.queueId(), a);
            }
        }
        List<String> missing = new ArrayList<>();
        int extra = 0;
        for (Map.Entry<String, SmtpBurst.Attempt> e : acked.entrySet()) {
            List<KafkaRecord> copies = keyed(e.getKey());
            if (copies.isEmpty()) {
                missing.add(e.getKey() + " (" + e.getValue().marker() + ")");
                continue;
            }
            extra += copies.size() - 1;
            for (KafkaRecord r : copies) {
                assertStoredExactly(e.getValue().message(), r);
            }
        }
        assertEquals(List.of(), missing, () -> missing.size() + " of " + acked.size()
                + " messages that got 250 are not in the topic; the topic holds " + records.size() + " records");
        return extra;
    }
}
