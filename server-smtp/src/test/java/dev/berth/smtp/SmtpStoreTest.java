package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.spi.ServerContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store with a life of its own ({@link SmtpStore}): opened with the server, its size limit obeyed, closed after it. */
class SmtpStoreTest {

    /** Takes messages up to {@code max} octets, keeps what it got, and counts how often it was closed. */
    private static final class SmallStore implements SmtpStore {
        final long max;
        final List<byte[]> stored = new ArrayList<>();
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        volatile SmtpConfig seen;

        SmallStore(long max) {
            this.max = max;
        }

        @Override
        public Open open(ServerContext server, SmtpConfig config) {
            opened.incrementAndGet();
            seen = config;
            return new Open() {
                @Override
                public SmtpMessageHandler create(SmtpSession session) {
                    return (MailTransaction tx, InputStream content) -> {
                        byte[] b = content.readAllBytes();
                        synchronized (stored) {
                            stored.add(b);
                        }
                        return SmtpReply.of(250, "2.0.0", "OK queued as " + tx.id());
                    };
                }

                @Override
                public OptionalLong maxMessageSize() {
                    return OptionalLong.of(max);
                }

                @Override
                public void close() {
                    closed.incrementAndGet();
                }
            };
        }
    }

    private static Server start(Path dir, SmtpStore store) {
        return Server.builder().module(SmtpModule.builder().config(SmtpConfig.builder().serverName("mx.test").build())
                        .store(store).build())
                .dataDirectory(dir).listener(ListenerConfig.tcp("smtp").host("127.0.0.1").build()).build().start();
    }

    @Test
    void theStoresLimitLowersTheAdvertisedSizeAndARefusalComesAtMailFrom(@TempDir Path dir) throws IOException {
        SmallStore store = new SmallStore(1000);
        try (Server server = start(dir, store); SmtpTestClient c = new SmtpTestClient(server.localAddress("smtp"))) {
            c.reply();
            assertTrue(c.command("EHLO client.test").contains("250-SIZE 1000\n"), "SIZE is the store's limit");
            assertEquals("552 5.3.4 Message size exceeds fixed maximum message size",
                    c.command("MAIL FROM:<a@example.org> SIZE=1001"));
            assertTrue(c.command("MAIL FROM:<a@example.org> SIZE=1000").startsWith("250 "));
            assertTrue(c.command("RCPT TO:<b@example.com>").startsWith("250 "));
            assertTrue(c.command("DATA").startsWith("354 "));
            assertTrue(c.command("Subject: hi\r\n\r\nhello\r\n.").startsWith("250 2.0.0 OK queued as "));
        }
        assertEquals(1, store.stored.size());
        assertEquals(SmtpConfig.defaults().maxMessageSize(), store.seen.maxMessageSize(),
                "the store is opened with the module's own settings");
    }

    @Test
    void aStoreThatTakesMoreThanTheServerLeavesTheServersLimit(@TempDir Path dir) throws IOException {
        try (Server server = start(dir, new SmallStore(Long.MAX_VALUE));
             SmtpTestClient c = new SmtpTestClient(server.localAddress("smtp"))) {
            c.reply();
            assertTrue(c.command("EHLO client.test").contains("250-SIZE " + SmtpConfig.defaults().maxMessageSize() + "\n"));
        }
    }

    @Test
    void theStoreIsOpenedForTheServerAndClosedOnceItHasStopped(@TempDir Path dir) {
        SmallStore store = new SmallStore(1000);
        Server server = start(dir, store);
        assertEquals(1, store.opened.get());
        assertEquals(0, store.closed.get(), "open while the server runs");
        server.stop();
        assertEquals(1, store.closed.get());
    }
}
