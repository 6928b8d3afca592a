package dev.berth.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.smtp.SmtpReply;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The SMTP meters keep their tag values bounded and show in Prometheus under the names docs/metrics.md gives. */
class SmtpMetersTest {

    @Test
    void everyEnhancedCodeBerthRepliesWithHasItsOwnTagValue() throws IOException {
        Pattern code = Pattern.compile("SmtpReply\\.of\\(\\d{3}, \"([245]\\.\\d+\\.\\d+)\"");
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                Matcher m = code.matcher(Files.readString(f));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        assertTrue(used.size() > 15, "found too few replies to trust the scan: " + used);
        used.removeAll(SmtpMeters.ENHANCED_CODES);
        assertEquals(Set.of(), used, "add these to SmtpMeters.ENHANCED_CODES");
    }

    @Test
    void aCodeOutsideTheListIsCountedAsOtherAndTheTagsStayBounded() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SmtpMeters meters = new SmtpMeters(registry, "mx");
        for (int i = 0; i < 50; i++) {
            meters.transaction(SmtpMeters.Outcome.REFUSED, SmtpReply.of(554, "5.9." + i, "handler's own"));
        }
        meters.transaction(SmtpMeters.Outcome.REFUSED, SmtpReply.of(550, "5.7.1", "not authorized"));
        meters.auth("CRAM-MD5", SmtpMeters.AuthResult.REFUSED);
        meters.auth("X-" + "made-up", SmtpMeters.AuthResult.REFUSED);
        String text = registry.scrape();
        assertTrue(text.contains("berth_smtp_transactions_total{listener=\"mx\",outcome=\"refused\",reply_class=\"5xx\","
                + "reply_enhanced=\"_OTHER\"} 50.0"), text);
        assertTrue(text.contains("reply_enhanced=\"5.7.1\"} 1.0"), text);
        assertTrue(text.contains("berth_smtp_auth_total{listener=\"mx\",mechanism=\"_OTHER\",result=\"refused\"} 2.0"), text);
        assertEquals(2, registry.find("berth.smtp.transactions").counters().size());
    }

    @Test
    void prometheusShowsTheDocumentedNames() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SmtpMeters meters = new SmtpMeters(registry, "smtp");
        meters.sessionOpened();
        meters.messageStored(100, 2);
        meters.stored(SmtpMeters.StoreResult.OK, 1_000_000);
        meters.startTls(true);
        String text = registry.scrape();
        for (String name : new String[] {"berth_smtp_sessions_total{listener=\"smtp\"} 1.0",
                "berth_smtp_sessions_active{listener=\"smtp\"} 1.0", "berth_smtp_messages_stored_total{listener=\"smtp\"} 1.0",
                "berth_smtp_message_size_bytes_sum{listener=\"smtp\"} 100.0", "berth_smtp_recipients_total{listener=\"smtp\"} 2.0",
                "berth_smtp_store_duration_seconds_count{listener=\"smtp\",result=\"ok\"} 1",
                "berth_smtp_starttls_total{listener=\"smtp\",result=\"success\"} 1.0"}) {
            assertTrue(text.contains(name), name + " not in\n" + text);
        }
    }
}
