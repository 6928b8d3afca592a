package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Launcher;
import dev.berth.core.tls.TlsMode;
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
        SmtpModule m = new SmtpModule();
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
                "--smtp-data-timeout", "--smtp-require-tls", "--smtp-domains", "--smtp-users", "--smtps-enabled"}) {
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
    void aMissingUsersFileFailsAtStartNamingTheFlag() {
        String[] r = launch("--protocols", "smtp", "--smtp-port", "0", "--smtp-users", "no-such-users-file");
        assertEquals(Integer.toString(Launcher.EXIT_CONFIG), r[0]);
        assertEquals("berth: SMTP users file no-such-users-file (--smtp-users) does not exist\n", r[2]);
    }

    @Test
    void optionalTlsIsRefusedAtStartNamingTheFlagBecauseTheServerSpeaksFirst() {
        String[] r = launch("--protocols", "smtp", "--smtp-port", "0", "--smtp-tls", "optional");
        assertFalse(r[0].equals("0"));
        assertEquals("berth: --smtp-tls optional cannot serve SMTP, whose server speaks first: use starttls, implicit or none\n", r[2]);
    }
}
