package dev.berth.smtp;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real client or tool (swaks, curl, htpasswd, ...) to its end; a missing tool fails the test by name. */
final class ClientProcess {
    /** How a run ended: its exit code and everything it wrote, standard error included. */
    record Result(int exit, String output) {
    }

    private ClientProcess() {
    }

    /** Runs {@code command}, feeding it {@code stdin} (or nothing), its output kept in a file under {@code dir}. */
    static Result run(Path dir, List<String> command, String stdin) throws Exception {
        Process check = new ProcessBuilder("sh", "-c", "command -v " + command.get(0)).start();
        if (check.waitFor() != 0) {
            throw new AssertionError(command.get(0) + " is not installed: this test needs it (its Debian package is"
                    + " listed in .ci/packages.d/smtp.txt)");
        }
        Path out = Files.createTempFile(dir, "out", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish: " + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }
}
