package dev.berth.smtp.internal;

import dev.berth.smtp.SmtpReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One SMTP listener's meters (docs/metrics.md, tag {@code listener}), made once per listener and
 * shared by its sessions: a session records by index into meters registered on first use, so
 * recording never builds tags. Tag values come from fixed lists; anything else is {@code _OTHER}.
 */
public final class SmtpMeters {
    /** How a mail transaction ended. */
    public enum Outcome {
        /** The message was answered 2xx. */
        ACCEPTED,
        /** The sender or the message was refused (4xx or 5xx), or the handler timed out. */
        REFUSED,
        /** It ended without an answer to its message: RSET, a new EHLO, STARTTLS, the connection lost. */
        ABORTED
    }

    /** How an AUTH command ended. */
    public enum AuthResult {
        SUCCESS, FAILURE, CANCELED, REFUSED, ERROR
    }

    /** How a store ended: the handler answered 2xx, answered otherwise (or failed), or outlived the handler timeout. */
    public enum StoreResult {
        OK, ERROR, TIMEOUT
    }

    /**
     * Enhanced status codes that get their own {@code reply.enhanced} value: every one Berth's replies
     * use (SmtpMetersTest checks the sources against this list), plus the few RFC 3463 codes message
     * handlers commonly refuse with.
     */
    static final List<String> ENHANCED_CODES = List.of(
            "2.0.0", "2.1.0", "2.1.5", "2.5.0", "2.7.0",
            "4.2.2", "4.3.0", "4.3.1", "4.3.2", "4.4.2", "4.5.3", "4.7.0", "4.7.1",
            "5.0.0", "5.1.1", "5.1.3", "5.1.7", "5.2.1", "5.2.2", "5.3.4", "5.5.1", "5.5.2", "5.5.4",
            "5.6.0", "5.6.7", "5.7.0", "5.7.1", "5.7.8", "5.7.11");
    private static final String OTHER = "_OTHER";
    private static final String NONE = "none";
    private static final Map<String, Integer> ENHANCED_INDEX = new HashMap<>();
    private static final String[] CLASSES = {"2xx", "3xx", "4xx", "5xx", NONE};
    private static final String[] MECHANISMS = {"PLAIN", "LOGIN", OTHER};

    static {
        for (int i = 0; i < ENHANCED_CODES.size(); i++) {
            ENHANCED_INDEX.put(ENHANCED_CODES.get(i), i);
        }
    }

    private static final int ENHANCED_VALUES = ENHANCED_CODES.size() + 2; // + _OTHER, none

    private final MeterRegistry registry;
    private final String listener;
    private final Counter sessions;
    private final AtomicInteger active = new AtomicInteger();
    private final Counter stored;
    private final DistributionSummary size;
    private final Counter recipients;
    private final Counter[] startTls = new Counter[2];
    private final Timer[] store = new Timer[StoreResult.values().length];
    private final AtomicReferenceArray<Counter> transactions =
            new AtomicReferenceArray<>(Outcome.values().length * CLASSES.length * ENHANCED_VALUES);
    private final AtomicReferenceArray<Counter> auth =
            new AtomicReferenceArray<>(MECHANISMS.length * AuthResult.values().length);

    /** The meters of listener {@code listener} in {@code registry}. */
    public SmtpMeters(MeterRegistry registry, String listener) {
        this.registry = registry;
        this.listener = listener;
        sessions = Counter.builder("berth.smtp.sessions").description("SMTP sessions started")
                .tag("listener", listener).register(registry);
        Gauge.builder("berth.smtp.sessions.active", active, AtomicInteger::get).description("SMTP sessions open")
                .tag("listener", listener).strongReference(true).register(registry);
        stored = Counter.builder("berth.smtp.messages.stored").description("messages accepted (answered 2xx)")
                .tag("listener", listener).register(registry);
        size = DistributionSummary.builder("berth.smtp.message.size").baseUnit("bytes")
                .description("size of accepted messages as received").tag("listener", listener).register(registry);
        recipients = Counter.builder("berth.smtp.recipients").description("recipients of accepted messages")
                .tag("listener", listener).register(registry);
        for (int i = 0; i < 2; i++) {
            startTls[i] = Counter.builder("berth.smtp.starttls").description("STARTTLS upgrades")
                    .tag("listener", listener).tag("result", i == 0 ? "success" : "failure").register(registry);
        }
        for (StoreResult r : StoreResult.values()) {
            store[r.ordinal()] = Timer.builder("berth.smtp.store.duration")
                    .description("from the end of a message's data to the handler's answer, fsync included")
                    .tag("listener", listener).tag("result", lower(r)).register(registry);
        }
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** A session began (the greeting is going out). */
    void sessionOpened() {
        sessions.increment();
        active.incrementAndGet();
    }

    /** A session that began has ended. */
    void sessionClosed() {
        active.decrementAndGet();
    }

    /** A transaction ended; {@code answer} is the reply that ended it, null when aborted. */
    void transaction(Outcome outcome, SmtpReply answer) {
        int cls = answer == null ? CLASSES.length - 1 : Math.min(answer.code() / 100 - 2, 3);
        int enhanced = answer == null ? ENHANCED_VALUES - 1
                : ENHANCED_INDEX.getOrDefault(answer.enhancedCode() == null ? "" : answer.enhancedCode(),
                        ENHANCED_CODES.size());
        int i = (outcome.ordinal() * CLASSES.length + cls) * ENHANCED_VALUES + enhanced;
        Counter c = transactions.get(i);
        if (c == null) {
            String e = enhanced < ENHANCED_CODES.size() ? ENHANCED_CODES.get(enhanced)
                    : enhanced == ENHANCED_CODES.size() ? OTHER : NONE;
            // The registry hands every racing caller the same counter.
            c = Counter.builder("berth.smtp.transactions").description("mail transactions, by how they ended")
                    .tag("listener", listener).tag("outcome", lower(outcome)).tag("reply.class", CLASSES[cls])
                    .tag("reply.enhanced", e).register(registry);
            transactions.set(i, c);
        }
        c.increment();
    }

    /** A message was accepted: counted, its size and recipients recorded. */
    void messageStored(long octets, int recipientCount) {
        stored.increment();
        size.record(octets);
        recipients.increment(recipientCount);
    }

    /** A handler took {@code nanos} from the end of the data to its answer. */
    void stored(StoreResult result, long nanos) {
        store[result.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A STARTTLS handshake ended. */
    void startTls(boolean success) {
        startTls[success ? 0 : 1].increment();
    }

    /** An AUTH command ended; {@code mechanism} is what the client named (upper case), anything but PLAIN and LOGIN counts as {@code _OTHER}. */
    void auth(String mechanism, AuthResult result) {
        int m = "PLAIN".equals(mechanism) ? 0 : "LOGIN".equals(mechanism) ? 1 : 2;
        int i = m * AuthResult.values().length + result.ordinal();
        Counter c = auth.get(i);
        if (c == null) {
            c = Counter.builder("berth.smtp.auth").description("AUTH attempts").tag("listener", listener)
                    .tag("mechanism", MECHANISMS[m]).tag("result", lower(result)).register(registry);
            auth.set(i, c);
        }
        c.increment();
    }
}
