package dev.berth.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time a local JVM's JIT compiler threads have used, from Linux's {@code /proc}: a warm-up
 * is not done while the compiler still takes a share of the cores the load and the server share.
 */
final class CompilerTime {
    /** Linux's USER_HZ: {@code /proc} counts CPU time in hundredths of a second on every architecture Berth runs on. */
    static final int TICKS_PER_SECOND = 100;

    private CompilerTime() {
    }

    /** Clock ticks used so far by the C1 and C2 compiler threads of process {@code pid}; 0 when it cannot be read. */
    static long ticks(long pid) {
        long sum = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String comm = Files.readString(task.resolve("comm"), StandardCharsets.US_ASCII);
                    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                        sum += cpuTicks(Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII));
                    }
                } catch (IOException | RuntimeException gone) {
                    // a compiler thread the JVM has just retired, or a line cut short by its going
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            return 0;
        }
        return sum;
    }

    /** utime + stime of a {@code /proc/PID/task/TID/stat} line (fields 14 and 15, after the parenthesised name). */
    static long cpuTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state), so fields 14 and 15 are f[11] and f[12]
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
