package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.BerthException;
import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.Transport;
import dev.berth.core.launch.ModuleOption;
import dev.berth.core.launch.ModuleSettings;
import dev.berth.core.spi.ProtocolModule;
import dev.berth.core.spi.ProtocolService;
import dev.berth.core.spi.ServerContext;
import dev.berth.core.testing.BerthServerExtension;
import dev.berth.core.tls.TlsMode;
import dev.berth.smtp.internal.SmtpModuleFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP's path into the SMTP module: a module made by the factory from re-read settings reaches the
 * running service's {@code reconfigure}; sessions that start afterwards get the new accepted domains
 * and users file, a session already open keeps its own.
 */
class SmtpReloadTest {
    @TempDir
    Path dir;
    BerthServerExtension kit;
    Server server;
    final AtomicReference<ProtocolService> service = new AtomicReference<>();
    final SmtpModuleFactory factory = new SmtpModuleFactory();

    private SmtpModule module(String domains, Path users) {
        return (SmtpModule) factory.create(new ModuleSettings(Map.of("smtp-hostname", "mx.test", "smtp-domains", domains,
                "smtp-users", users.toString(), "smtp-maildir", dir.resolve("maildir").toString())));
    }

    /** The SMTP module as it is, except that the test keeps the service the server started. */
    private ProtocolModule keepingItsService(SmtpModule smtp) {
        return new ProtocolModule() {
            @Override
            public String name() {
                return smtp.name();
            }

            @Override
            public Set<Transport> transports() {
                return smtp.transports();
            }

            @Override
            public Set<TlsMode> tlsModes() {
                return smtp.tlsModes();
            }

            @Override
            public ProtocolService start(ServerContext context) {
                ProtocolService s = smtp.start(context);
                service.set(s);
                return s;
            }
        };
    }

    @BeforeEach
    void start() throws IOException {
        Path users = dir.resolve("users-before");
        Files.writeString(users, UsersFile.line("alice", "old pass".toCharArray()) + "\n");
        kit = BerthServerExtension.newBuilder().module(keepingItsService(module("old.example", users)))
                .listener(ListenerConfig.tcp("smtp").protocol(SmtpModule.NAME).tlsMode(TlsMode.STARTTLS).build()).build();
        server = kit.start();
    }

    @AfterEach
    void stop() {
        kit.stop();
    }

    private static String plain(String user, String password) {
        return "AUTH PLAIN " + Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    private SmtpTestClient overTls() throws IOException {
        SmtpTestClient c = new SmtpTestClient(server.localAddress("smtp"));
        c.reply();
        c.command("EHLO client.example");
        assertTrue(c.command("STARTTLS").startsWith("220 "));
        c.startTls();
        c.command("EHLO client.example");
        return c;
    }

    @Test
    void theReloadableOptionsAreTheDomainsAndTheUsersFile() {
        assertEquals(Set.of("smtp-domains", "smtp-users"), factory.options().stream().filter(ModuleOption::isReloadable)
                .map(ModuleOption::name).collect(Collectors.toSet()));
    }

    @Test
    void newSessionsSeeTheNewDomainsAndUsersWhileAnOpenSessionKeepsItsOwn() throws Exception {
        Path users = dir.resolve("users-after");
        Files.writeString(users, UsersFile.line("bob", "new pass".toCharArray()) + "\n");
        try (SmtpTestClient open = overTls()) {
            assertTrue(service.get().reconfigure(module("new.example", users)));

            try (SmtpTestClient fresh = overTls()) {
                assertEquals("535 5.7.8 Authentication credentials invalid", fresh.command(plain("alice", "old pass")));
                assertTrue(fresh.command(plain("bob", "new pass")).startsWith("235 "));
                assertTrue(fresh.command("MAIL FROM:<bob@example.org>").startsWith("250 "));
                assertTrue(fresh.command("RCPT TO:<x@new.example>").startsWith("250 "));
                assertTrue(fresh.command("RCPT TO:<x@old.example>").startsWith("550 5.1.1 "));
            }

            assertEquals("535 5.7.8 Authentication credentials invalid", open.command(plain("bob", "new pass")));
            assertTrue(open.command(plain("alice", "old pass")).startsWith("235 "));
            assertTrue(open.command("MAIL FROM:<alice@example.org>").startsWith("250 "));
            assertTrue(open.command("RCPT TO:<x@old.example>").startsWith("250 "));
            assertTrue(open.command("RCPT TO:<x@new.example>").startsWith("550 5.1.1 "));
        }
    }

    @Test
    void aBadNewUsersFileFailsNamingFileAndLineAndTheOldSettingsStay() throws Exception {
        Path bad = dir.resolve("users-bad");
        Files.writeString(bad, "# edited\nbob:{PLAIN}new pass\n");
        BerthException e = assertThrows(BerthException.class, () -> module("new.example", bad));
        assertTrue(e.getMessage().startsWith("SMTP users file " + bad + " line 2: password scheme PLAIN"), e.getMessage());
        try (SmtpTestClient c = overTls()) {
            assertTrue(c.command(plain("alice", "old pass")).startsWith("235 "));
            assertTrue(c.command("MAIL FROM:<alice@example.org>").startsWith("250 "));
            assertTrue(c.command("RCPT TO:<x@old.example>").startsWith("250 "));
        }
    }

    @Test
    void aModuleOfAnotherProtocolIsRefused() {
        ProtocolModule other = new ProtocolModule() {
            @Override
            public String name() {
                return "echo";
            }

            @Override
            public Set<Transport> transports() {
                return Set.of(Transport.TCP);
            }
        };
        BerthException e = assertThrows(BerthException.class, () -> service.get().reconfigure(other));
        assertTrue(e.getMessage().startsWith("smtp: cannot reconfigure from module echo"), e.getMessage());
    }
}
