package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.core.BerthException;
import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.tls.TlsMode;
import dev.berth.launcher.Launcher;
import dev.berth.smtp.internal.SmtpModuleFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The module as the launcher sees it: listeners, flags, help and bad values. */
class SmtpModuleTest {

    private static String[] launch(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Launcher.Launch l = Launcher.launch(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        if (l.server != null) {
            l.server.stop();
        }
        return new String[] {Integer.toString(l.exitCode), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void theModuleServesStartTlsOn2525AndImplicitTlsOn4465OnlyWhenAsked() {
        SmtpModuleFactory m = new SmtpModuleFactory();
        assertEquals("smtp", m.name());
        assertEquals(2525, m.defaultListeners().get(0).port());
        assertEquals(TlsMode.STARTTLS, m.defaultListeners().get(0).tlsMode());
        assertEquals(4465, m.defaultListeners().get(1).port());
        assertEquals(TlsMode.IMPLICIT, m.defaultListeners().get(1).tlsMode());
        assertEquals("smtp", m.defaultListeners().get(1).protocol());
        assertTrue(m.enabledByDefault("smtp"));
        assertFalse(m.enabledByDefault("smtps"));
    }

    @Test
    void helpListsTheSmtpFlags() {
        String[] r = launch("--help");
        assertEquals("0", r[0]);
        for (String flag : new String[] {"--smtp-maildir", "--smtp-max-message-size", "--smtp-max-recipients",
                "--smtp-max-command-line", "--smtp-max-line-length", "--smtp-max-errors", "--smtp-command-timeout",
                "--smtp-data-timeout", "--smtp-require-tls", "--smtp-domains", "--smtp-users", "--smtps-enabled",
                "--smtp-store"}) {
            assertTrue(r[1].contains(flag), flag);
        }
    }

    @Test
    void aBadSmtpValueFailsAtStartWithOneLineNamingTheFlag() {
        String[] r = launch("--protocols", "smtp", "--smtp-port", "0", "--smtp-max-recipients", "lots");
        assertEquals(Integer.toString(Launcher.EXIT_CONFIG), r[0]);
        assertEquals("berth: invalid value for --smtp-max-recipients: 'lots' is not a whole number\n", r[2]);
        r = launch("--protocols", "smtp", "--smtp-port", "0", "--smtp-maildir-layout", "mbox");
        assertEquals("berth: invalid value for --smtp-maildir-layout: 'mbox' is not one of shared, per-recipient\n", r[2]);
    }

    @Test
    void theKafkaStoreWithoutItsModuleFailsAtStartWithOneLineNamingTheFlag() {
        String[] r = launch("--protocols", "smtp", "--smtp-port", "0", "--smtp-store", "kafka");
        assertEquals(Integer.toString(Launcher.EXIT_CONFIG), r[0]);
        assertEquals("berth: invalid value for --smtp-store: 'kafka' is not a store on the class path; available: "
                + "maildir (the Kafka store is in server-smtp-kafka.jar, not in this jar)\n", r[2]);
        r = launch("--protocols", "smtp", "--smtp-port", "0", "--smtp-store", "mbox");
        assertEquals("berth: invalid value for --smtp-store: 'mbox' is not a store on the class path; available: "
                + "maildir\n", r[2]);
    }

    @Test
    void aMissingUsersFileFailsAtStartNamingTheFlag() {
        String[] r = launch("--protocols", "smtp", "--smtp-port", "0", "--smtp-users", "no-such-users-file");
        assertEquals(Integer.toString(Launcher.EXIT_CONFIG), r[0]);
        assertEquals("berth: SMTP users file no-such-users-file (--smtp-users) does not exist\n", r[2]);
    }

    @Test
    void optionalTlsIsRefusedAtStartNamingTheFlagBecauseTheServerSpeaksFirst() {
        String[] r = launch("--protocols", "smtp", "--smtp-port", "0", "--smtp-tls", "optional");
        assertEquals(Integer.toString(Launcher.EXIT_CONFIG), r[0]);
        assertEquals("berth: listener smtp: protocol smtp cannot serve TLS mode optional; it serves none, implicit, "
                + "starttls (--smtp-tls)\n", r[2]);
    }

    @Test
    void theServerBuilderRefusesOptionalTlsForSmtpInTheApisOwnTerms() {
        BerthException e = assertThrows(BerthException.class, () -> Server.builder()
                .module(new SmtpModule())
                .listener(ListenerConfig.tcp("mx").protocol("smtp").tlsMode(TlsMode.OPTIONAL).build())
                .build());
        assertEquals("listener mx: protocol smtp cannot serve TLS mode optional; it serves none, implicit, starttls",
                e.getMessage());
        assertEquals("listener.mx.tlsMode", e.setting().orElseThrow());
    }

    @Test
    void oneModuleValueServesTwoServersEachWithItsOwnMaildir(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        SmtpModule module = SmtpModule.builder().config(SmtpConfig.builder().serverName("mx.test").build()).build();
        try (Server a = Server.builder().module(module).dataDirectory(dir.resolve("a"))
                     .listener(ListenerConfig.tcp("smtp").host("127.0.0.1").build()).build().start();
             Server b = Server.builder().module(module).dataDirectory(dir.resolve("b"))
                     .listener(ListenerConfig.tcp("smtp").host("127.0.0.1").build()).build().start()) {
            for (Server s : new Server[] {a, b}) {
                try (SmtpTestClient c = new SmtpTestClient(s.localAddress("smtp"))) {
                    assertTrue(c.reply().startsWith("220 mx.test"));
                    assertTrue(c.command("EHLO client.test").startsWith("250"));
                    c.beginData("a@example.org", "b@example.com");
                    assertTrue(c.command("Subject: hi\r\n\r\nhello\r\n.").startsWith("250 "));
                }
            }
        }
        for (String server : new String[] {"a", "b"}) {
            try (java.util.stream.Stream<java.nio.file.Path> files =
                         java.nio.file.Files.list(dir.resolve(server).resolve("maildir").resolve("new"))) {
                assertEquals(1, files.count(), "server " + server + " stored its own message in its own data directory");
            }
        }
    }
}
