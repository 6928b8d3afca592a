package dev.berth.it.support;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A record read back from a topic of the test cluster: where it is, its key, value and headers, as stored. */
public record KafkaRecord(int partition, long offset, byte[] key, byte[] value, List<Map.Entry<String, byte[]>> headers) {

    /** The key as UTF-8 text (Berth's store keys each record with the message's queue id). */
    public String keyText() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** The values of every header named {@code name}, in order, as UTF-8 text. */
    public List<String> headers(String name) {
        return headers.stream().filter(h -> h.getKey().equals(name))
                .map(h -> new String(h.getValue(), StandardCharsets.UTF_8)).collect(Collectors.toList());
    }

    /** The one header named {@code name}, or null if there is none; a repeated one is an error here. */
    public String header(String name) {
        List<String> all = headers(name);
        if (all.size() > 1) {
            throw new AssertionError("record " + partition + "@" + offset + " has " + all.size() + " headers " + name
                    + ": " + all);
        }
        return all.isEmpty() ? null : all.get(0);
    }

    @Override
    public String toString() {
        return "record " + partition + "@" + offset + " key " + keyText() + ", " + value.length + " bytes, headers "
                + headers.stream().map(h -> h.getKey() + "=" + new String(h.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining(", ", "[", "]"));
    }
}
