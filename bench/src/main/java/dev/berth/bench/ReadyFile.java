package dev.berth.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes the same ready-file JSON as Berth's launcher, so bench/run reads ports from both alike. */
final class ReadyFile {
    private ReadyFile() {
    }

    static void write(Path file, String listener, String transport, String host, int port) throws IOException {
        String json = "{\n  \"" + listener + "\": {\"transport\": \"" + transport + "\", \"host\": \"" + host
                + "\", \"port\": " + port + "}\n}\n";
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, json, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
