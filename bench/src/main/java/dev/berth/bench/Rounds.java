package dev.berth.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Runs one load client against several servers in turn from a single warm JVM: warms each target
 * up (longer if a cold server has not answered yet), then measures {@code --reps} rounds, each
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
        Duration duration = args.seconds("duration", 5);
        for (Map.Entry<String, Integer> t : targets.entrySet()) {
            // A server that is still loading classes answers nothing at first: keep warming up (30 s at most).
            long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            double[] r = trial.run(t.getValue(), warmup);
            while (r[0] <= 0 && System.nanoTime() < giveUp) {
                r = trial.run(t.getValue(), warmup);
            }
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
