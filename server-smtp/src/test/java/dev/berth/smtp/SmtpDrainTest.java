package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A graceful stop: idle sessions get 421 4.3.2, a message in progress may finish first. */
class SmtpDrainTest {
    @TempDir
    Path maildir;

    @Test
    void idleSessionsGet421AndAMessageInProgressIsFinishedBeforeItsSessionCloses() throws Exception {
        TestServer server = TestServer.start(maildir);
        String marker = UUID.randomUUID().toString();
        try (SmtpTestClient idle = server.connect(); SmtpTestClient busy = server.connect()) {
            idle.reply();
            idle.command("EHLO idle.example");
            busy.reply();
            busy.command("EHLO busy.example");
            busy.command("MAIL FROM:<a@example.org>");
            busy.command("RCPT TO:<b@example.com>");
            busy.command("DATA");
            busy.send("Subject: " + marker + "\r\n\r\nfirst half\r\n");

            CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> server.server.stop(Duration.ofSeconds(20)));
            assertEquals("421 4.3.2 Service shutting down, closing connection", idle.reply());
            assertTrue(idle.closedByServer());

            busy.send("second half\r\n.\r\n");
            assertTrue(busy.reply().startsWith("250 2.0.0 OK queued as "));
            assertEquals("421 4.3.2 Service shutting down, closing connection", busy.reply());
            assertTrue(busy.closedByServer());
            assertTrue(stopped.get(30, TimeUnit.SECONDS), "every connection closed before the deadline");
        }
        assertEquals(1, server.delivered().size());
        assertTrue(TestServer.body(server.delivered().get(0)).endsWith("first half\r\nsecond half\r\n"));
    }
}
