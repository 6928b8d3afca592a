package dev.berth.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Runs one load client against several servers in turn from a single warm JVM: warms each target
 * up with one slice of {@code --warmup-first} seconds, then in slices of {@code --warmup} seconds until
 * two agree within 10% ({@code --warmup-slices} at most), then measures {@code --reps} rounds, each
 * round visiting every target in order, so drift in the machine's load hits every server alike.
 * Prints {@code result TARGET ROUND VALUE [P99_MS]} per measurement.
 */
final class Rounds {
    /** One timed run against one server. */
    interface Trial {
        /** Measures for the given time; returns {value, p99 in ms or NaN}. */
        double[] run(int port, Duration duration) throws Exception;
    }

    private Rounds() {
    }

    /** {@code --targets berth=7007,netty=7008}: names in order, each with its port. */
    static Map<String, Integer> targets(Args args) {
        Map<String, Integer> t = new LinkedHashMap<>();
        for (String pair : args.required("targets").split(",")) {
            String[] kv = pair.split("=", 2);
            t.put(kv[0], Integer.parseInt(kv[1]));
        }
        return t;
    }

    static void run(Args args, Trial trial) throws Exception {
        Map<String, Integer> targets = targets(args);
        int reps = args.integer("reps", 3);
        Duration warmup = args.seconds("warmup", 1);
        Duration first = args.seconds("warmup-first", 0);
        Duration duration = args.seconds("duration", 5);
        int slices = args.integer("warmup-slices", 5);
        for (Map.Entry<String, Integer> t : targets.entrySet()) {
            // Warm up until two slices in a row agree within 10%: a JVM server on busy cores takes
            // many seconds to settle, and one still loading classes answers nothing at first.
            // Only the JVM servers have a JIT to warm: they get the long first slice.
            boolean jvm = t.getKey().startsWith("berth") || t.getKey().startsWith("netty");
            double previous = first.isZero() || !jvm ? 0 : trial.run(t.getValue(), first)[0];
            double current;
            int n = 0;
            while (true) {
                current = trial.run(t.getValue(), warmup)[0];
                n++;
                boolean settled = previous > 0 && current > 0.9 * previous && current < 1.1 * previous;
                if (settled || (n >= slices && current > 0) || n >= 3 * slices) {
                    break;
                }
                previous = current;
            }
            System.err.printf(Locale.ROOT, "warmed up %s: %d slice(s), last %.1f%n", t.getKey(), n, current);
        }
        for (int round = 1; round <= reps; round++) {
            for (Map.Entry<String, Integer> t : targets.entrySet()) {
                double[] r = trial.run(t.getValue(), duration);
                System.out.printf(Locale.ROOT, "result %s %d %.2f %s%n", t.getKey(), round, r[0],
                        Double.isNaN(r[1]) ? "" : String.format(Locale.ROOT, "%.3f", r[1]));
                System.out.flush();
            }
        }
    }
}
