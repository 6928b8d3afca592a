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
 * With {@code --pids berth=1234,netty=1235} a JVM target also has to have stopped compiling: its JIT
 * compiler threads used under 3% of a core in the last slice (three times {@code --warmup-slices} at most).
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

    /** {@code --pids berth=1234,netty=1235}: the server process of some targets, by name (none by default). */
    static Map<String, Long> pids(Args args) {
        Map<String, Long> p = new LinkedHashMap<>();
        String all = args.string("pids", "");
        for (String pair : all.isEmpty() ? new String[0] : all.split(",")) {
            String[] kv = pair.split("=", 2);
            p.put(kv[0], Long.parseLong(kv[1]));
        }
        return p;
    }

    /** A JIT compiler using at least this share of one core during a warm-up slice means the slice was not yet warm. */
    static final double COMPILER_QUIET = 0.03;

    static void run(Args args, Trial trial) throws Exception {
        Map<String, Integer> targets = targets(args);
        Map<String, Long> pids = pids(args);
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
            Long pid = jvm ? pids.get(t.getKey()) : null;
            double compiler = 0;
            while (true) {
                long ticks = pid == null ? 0 : CompilerTime.ticks(pid);
                current = trial.run(t.getValue(), warmup)[0];
                n++;
                boolean quiet = true;
                if (pid != null) {
                    compiler = (CompilerTime.ticks(pid) - ticks) / (CompilerTime.TICKS_PER_SECOND * (warmup.toNanos() / 1e9));
                    quiet = compiler < COMPILER_QUIET;
                }
                boolean settled = previous > 0 && current > 0.9 * previous && current < 1.1 * previous;
                if ((settled && quiet) || (n >= slices && current > 0 && quiet) || n >= 3 * slices) {
                    break;
                }
                previous = current;
            }
            System.err.printf(Locale.ROOT, "warmed up %s: %d slice(s), last %.1f%s%n", t.getKey(), n, current,
                    pid == null ? "" : String.format(Locale.ROOT, ", compiler %.0f%% of a core", 100 * compiler));
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
