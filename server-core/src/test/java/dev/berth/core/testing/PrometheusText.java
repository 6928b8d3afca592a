package dev.berth.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A small reader of the Prometheus text format (0.0.4) for reading values back in tests, and the real
 * parser, Prometheus's {@code promtool check metrics}, for checking the format itself.
 */
public final class PrometheusText {
    /** One sample line: its metric name, labels and value. */
    public record Sample(String name, Map<String, String> labels, double value) {
        boolean has(Map<String, String> wanted) {
            return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        }
    }

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = samples;
    }

    public static PrometheusText parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space;
            String name;
            Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0 && brace < line.indexOf(' ')) {
                name = line.substring(0, brace);
                int i = brace + 1;
                while (line.charAt(i) != '}') {
                    int eq = line.indexOf('=', i);
                    String key = line.substring(i, eq).trim();
                    StringBuilder v = new StringBuilder();
                    int j = eq + 2; // past ="
                    while (line.charAt(j) != '"') {
                        if (line.charAt(j) == '\\') {
                            j++;
                            v.append(line.charAt(j) == 'n' ? '\n' : line.charAt(j));
                        } else {
                            v.append(line.charAt(j));
                        }
                        j++;
                    }
                    labels.put(key, v.toString());
                    i = j + 1;
                    if (line.charAt(i) == ',') {
                        i++;
                    }
                }
                space = i + 1;
            } else {
                space = line.indexOf(' ');
                name = line.substring(0, space);
            }
            String[] rest = line.substring(space).trim().split(" ");
            out.add(new Sample(name, labels, Double.parseDouble(rest[0])));
        }
        return new PrometheusText(out);
    }

    /** Every sample of a metric whose labels include {@code labels} (key, value, key, value...). */
    public List<Sample> samples(String name, String... labels) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return samples.stream().filter(s -> s.name.equals(name) && s.has(wanted)).toList();
    }

    /** The sum of the matching samples' values; 0 when there is none. */
    public double sum(String name, String... labels) {
        return samples(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    /** How many series (distinct name and labels) have a name starting with {@code prefix}. */
    public long seriesCount(String prefix) {
        return samples.stream().filter(s -> s.name.startsWith(prefix)).count();
    }

    public List<Sample> all() {
        return samples;
    }

    /** True when promtool (Debian's {@code prometheus} package) is on the PATH. */
    public static boolean promtoolPresent() {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "promtool")));
    }

    /**
     * Runs {@code promtool check metrics} on the text, which parses it with Prometheus's own parser
     * and lints it; returns its exit code and output.
     */
    public static Result promtoolCheck(String text) {
        try {
            Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
            p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run promtool: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** promtool's verdict: exit code 0 when clean, 3 when it parsed the text but found lint problems, 1 when it could not parse. */
    public record Result(int exitCode, String output) {
        /**
         * The problems promtool reports that are Berth's own: a parse failure, or lint on a meter that
         * is not one of Micrometer's JVM and system binders ({@code process_cpu_time_ns_total} and
         * {@code system_cpu_count} trip the lint, and are not Berth's to rename).
         */
        public List<String> berthLintProblems() {
            if (exitCode != 0 && exitCode != 3) {
                return List.of("promtool could not parse the text (exit " + exitCode + "): " + output);
            }
            return output.lines().filter(l -> !l.isBlank())
                    .filter(l -> !l.startsWith("process_") && !l.startsWith("system_") && !l.startsWith("jvm_"))
                    .toList();
        }
    }
}
