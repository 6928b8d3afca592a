package example.kafkamaildir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The consumer's delivery: once per queue id, whole files only, and no file name a record could choose. */
class KafkaToMaildirTest {
    @TempDir
    Path maildir;

    @BeforeEach
    void folders() throws IOException {
        for (String sub : List.of("tmp", "new", "cur")) {
            Files.createDirectories(maildir.resolve(sub));
        }
    }

    @Test
    void aRecordReadAgainIsDeliveredOnce() throws IOException {
        byte[] message = "Return-Path: <a@example.org>\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
        assertTrue(KafkaToMaildir.deliver(maildir, "PX3TH85H2PMNCM", message));
        assertFalse(KafkaToMaildir.deliver(maildir, "PX3TH85H2PMNCM", message), "the second reading is skipped");
        assertArrayEquals(message, Files.readAllBytes(maildir.resolve("new").resolve("PX3TH85H2PMNCM")));
        try (var tmp = Files.list(maildir.resolve("tmp"))) {
            assertEquals(0, tmp.count(), "nothing left in tmp/");
        }
    }

    @Test
    void aMessageAlreadyReadFromCurIsNotDeliveredAgain() throws IOException {
        Files.writeString(maildir.resolve("cur").resolve("PX3TH85H2PMNCM:2,S"), "read");
        assertFalse(KafkaToMaildir.deliver(maildir, "PX3TH85H2PMNCM", new byte[] {'x'}));
        try (var fresh = Files.list(maildir.resolve("new"))) {
            assertEquals(0, fresh.count());
        }
    }

    @Test
    void aKeyThatIsNotAQueueIdNamesNoFile() {
        assertThrows(IOException.class, () -> KafkaToMaildir.deliver(maildir, "../../etc/passwd", new byte[] {'x'}));
        assertThrows(IOException.class, () -> KafkaToMaildir.deliver(maildir, null, new byte[] {'x'}));
    }
}
