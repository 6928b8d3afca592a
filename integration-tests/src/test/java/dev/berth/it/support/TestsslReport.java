package dev.berth.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The findings of one testssl.sh run, read from its flat JSON file ({@code --jsonfile}). */
public final class TestsslReport {
    private static final Pattern OBJECT = Pattern.compile("\\{[^{}]*}");
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Set<String> SERIOUS = Set.of("MEDIUM", "HIGH", "CRITICAL");

    private final List<Map<String, String>> findings;

    private TestsslReport(List<Map<String, String>> findings) {
        this.findings = findings;
    }

    public static TestsslReport read(Path json) {
        try {
            String text = Files.readString(json, StandardCharsets.UTF_8);
            List<Map<String, String>> all = new ArrayList<>();
            Matcher o = OBJECT.matcher(text);
            while (o.find()) {
                Map<String, String> f = new LinkedHashMap<>();
                Matcher m = FIELD.matcher(o.group());
                while (m.find()) {
                    f.put(m.group(1), m.group(2));
                }
                all.add(f);
            }
            return new TestsslReport(all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Findings rated MEDIUM, HIGH or CRITICAL, one line each. */
    public List<String> serious() {
        return findings.stream().filter(f -> SERIOUS.contains(f.get("severity")))
                .map(TestsslReport::line).collect(Collectors.toList());
    }

    /** The finding text of the check {@code id}, if testssl ran it. */
    public Optional<String> finding(String id) {
        return findings.stream().filter(f -> id.equals(f.get("id"))).map(f -> f.get("finding")).findFirst();
    }

    public int size() {
        return findings.size();
    }

    /** Every finding, one line each, for failure messages. */
    public String describe() {
        return findings.stream().map(TestsslReport::line).collect(Collectors.joining("\n"));
    }

    private static String line(Map<String, String> f) {
        return f.get("severity") + " " + f.get("id") + ": " + f.get("finding");
    }
}
