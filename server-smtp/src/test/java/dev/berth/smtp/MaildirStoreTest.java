package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.spi.ConnectionContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaildirStoreTest {
    @TempDir
    Path root;

    private static final SmtpSession SESSION = new SmtpSession() {
        @Override
        public ConnectionContext connection() {
            throw new UnsupportedOperationException();
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return new InetSocketAddress("2001:db8::7", 4000);
        }

        @Override
        public Optional<SSLSession> tlsSession() {
            return Optional.empty();
        }

        @Override
        public String serverName() {
            return "mx.test";
        }

        @Override
        public Optional<String> heloName() {
            return Optional.of("client.example");
        }

        @Override
        public boolean extended() {
            return true;
        }

        @Override
        public Optional<String> authenticatedUser() {
            return Optional.empty();
        }
    };

    private static MailTransaction transaction(String... recipients) {
        MailTransaction tx = new MailTransaction(SESSION, "alice@example.org", OptionalLong.empty(),
                MailTransaction.BodyType.SEVEN_BIT, false);
        for (String r : recipients) {
            tx.addRecipient(r);
        }
        return tx;
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.collect(Collectors.toList());
        }
    }

    @Test
    void aStoredMessageHasTraceHeadersItsSizeInItsNameAndLeavesTmpEmpty() throws IOException {
        MaildirStore store = new MaildirStore(root, MaildirLayout.SHARED);
        MailTransaction tx = transaction("bob@example.com");
        String body = "Subject: hi\r\n\r\nhello\r\n";
        SmtpReply r = store.create(SESSION).onData(tx, new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        assertEquals("250 2.0.0 OK queued as " + tx.id(), r.wireFormat().trim());
        List<Path> stored = files(root.resolve("new"));
        assertEquals(1, stored.size());
        String text = Files.readString(stored.get(0));
        assertTrue(text.startsWith("Return-Path: <alice@example.org>\r\nReceived: from client.example ([IPv6:2001:db8:0:0:0:0:0:7])\r\n"
                + "\tby mx.test (Berth) with ESMTP id " + tx.id() + "\r\n\tfor <bob@example.com>;\r\n\t"), text);
        assertTrue(text.endsWith("\r\n" + body));
        assertTrue(text.matches("(?s).*;\r\n\t[A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\r\n.*"),
                "an RFC 5322 date with a numeric zone ends the Received: header");
        assertTrue(stored.get(0).getFileName().toString().endsWith(",S=" + Files.size(stored.get(0))));
        assertEquals(List.of(), files(root.resolve("tmp")));
        assertTrue(Files.isDirectory(root.resolve("cur")));
    }

    @Test
    void aFolderRemovedWhileRunningIsMadeAgainByTheNextMessage() throws IOException {
        MaildirStore store = new MaildirStore(root, MaildirLayout.SHARED);
        store.prepare();
        Files.delete(root.resolve("new"));
        store.create(SESSION).onData(transaction("bob@example.com"), new ByteArrayInputStream("a\r\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, files(root.resolve("new")).size(), "new/ made again at the rename");
        Files.delete(root.resolve("tmp"));
        store.create(SESSION).onData(transaction("bob@example.com"), new ByteArrayInputStream("b\r\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(2, files(root.resolve("new")).size(), "tmp/ made again at the file's creation");
        assertEquals(List.of(), files(root.resolve("tmp")));

        MaildirStore perRecipient = new MaildirStore(root.resolve("users"), MaildirLayout.PER_RECIPIENT);
        perRecipient.create(SESSION).onData(transaction("carol@example.com"),
                new ByteArrayInputStream("c\r\n".getBytes(StandardCharsets.UTF_8)));
        // dave's Maildir does not exist yet: his copy of carol's file fails, and his folders are made then
        perRecipient.create(SESSION).onData(transaction("carol@example.com", "dave@example.com"),
                new ByteArrayInputStream("d\r\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(2, files(root.resolve("users").resolve("carol@example.com").resolve("new")).size());
        assertEquals(1, files(root.resolve("users").resolve("dave@example.com").resolve("new")).size(),
                "the second recipient's copy made his folders");
    }

    @Test
    void thePerRecipientLayoutStoresOneCopyPerRecipientInASafelyNamedFolder() throws IOException {
        MaildirStore store = new MaildirStore(root, MaildirLayout.PER_RECIPIENT);
        MailTransaction tx = transaction("Bob@Example.com", "\"../../etc\"@example.com");
        store.create(SESSION).onData(tx, new ByteArrayInputStream("x\r\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, files(root.resolve("bob@example.com").resolve("new")).size());
        assertEquals(1, files(root.resolve("_.._.._etc_@example.com").resolve("new")).size());
        assertEquals(2, files(root).size(), "nothing was written outside the store");
    }

    @Test
    void contentTheServerRefusesMidwayLeavesNoFileAnywhere() {
        MaildirStore store = new MaildirStore(root, MaildirLayout.SHARED);
        InputStream failing = new InputStream() {
            private int n;

            @Override
            public int read() throws IOException {
                if (n++ > 100) {
                    throw new IOException("message refused: bare CR or LF");
                }
                return 'a';
            }
        };
        assertThrows(IOException.class, () -> store.create(SESSION).onData(transaction("bob@example.com"), failing));
        assertFalse(Files.exists(root.resolve("new")) && root.resolve("new").toFile().list().length > 0);
        assertEquals(0, root.resolve("tmp").toFile().list().length);
    }
}
