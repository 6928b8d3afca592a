package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.BerthException;
import dev.berth.smtp.ClientProcess.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The users file takes the lines the tools admins already have write: {@code htpasswd -B},
 * {@code mkpasswd}, {@code argon2} and Dovecot's {@code doveadm pw}; it refuses plaintext, weak and
 * unknown schemes, and costs no line may exceed, naming the file and line.
 */
class UsersFileTest {
    private static final String PASSWORD = "wonder land";

    @TempDir
    Path dir;

    private UsersFile load(String... lines) throws IOException {
        Path f = dir.resolve("users");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return UsersFile.load(f);
    }

    private String tool(String... command) throws Exception {
        Result r = ClientProcess.run(dir, List.of(command), null);
        assertEquals(0, r.exit(), r.output());
        return r.output().trim();
    }

    private void assertChecks(UsersFile users, String user) {
        assertTrue(users.authenticate(user, PASSWORD.toCharArray()), user + " with the right password");
        assertFalse(users.authenticate(user, "wonder lane".toCharArray()), user + " with a wrong password");
    }

    @Test
    void bcryptLinesFromHtpasswdAndMkpasswdAuthenticate() throws Exception {
        String htpasswd = tool("htpasswd", "-nbB", "-C", "5", "bob", PASSWORD);
        assertTrue(htpasswd.startsWith("bob:$2y$05$"), htpasswd);
        String b = tool("mkpasswd", "-m", "bcrypt", "-R", "5", PASSWORD);
        String a = tool("mkpasswd", "-m", "bcrypt-a", "-R", "5", PASSWORD);
        assertTrue(b.startsWith("$2b$") && a.startsWith("$2a$"), b + " " + a);
        UsersFile users = load(htpasswd, "carol:" + b, "dave:" + a);
        assertChecks(users, "bob");
        assertChecks(users, "carol");
        assertChecks(users, "dave");
        assertFalse(users.authenticate("mallory", PASSWORD.toCharArray()));
    }

    @Test
    void shaCryptLinesFromMkpasswdAuthenticateWithOrWithoutDovecotsPrefix() throws Exception {
        String plain = tool("mkpasswd", "-m", "sha-512", PASSWORD);
        String rounds = tool("mkpasswd", "-m", "sha-512", "-R", "10000", PASSWORD);
        String sha256 = tool("mkpasswd", "-m", "sha-256", PASSWORD);
        UsersFile users = load("bob:" + plain, "carol:{SHA512-CRYPT}" + rounds, "dave:" + sha256);
        assertChecks(users, "bob");
        assertChecks(users, "carol");
        assertChecks(users, "dave");
    }

    @Test
    void anArgon2idLineFromTheReferenceToolAuthenticates() throws Exception {
        Result r = ClientProcess.run(dir, List.of("argon2", "somesaltvalue", "-id", "-t", "2", "-m", "12", "-p", "2", "-e"),
                PASSWORD);
        assertEquals(0, r.exit(), r.output());
        String hash = r.output().trim();
        assertTrue(hash.startsWith("$argon2id$v=19$m=4096,t=2,p=2$"), hash);
        UsersFile users = load("bob:{ARGON2ID}" + hash, "carol:" + hash);
        assertChecks(users, "bob");
        assertChecks(users, "carol");
    }

    /** Lines made by {@code doveadm pw -s SCHEME -p 'wonder land'} of Dovecot 2.3.19.1 (Debian 12). */
    @Test
    void linesDoveadmPwMadeAuthenticateAndPasswdFileFieldsAfterTheHashAreIgnored() throws Exception {
        UsersFile users = load(
                "blf:{BLF-CRYPT}$2y$05$pm.KV7UQ97UuVI/5hAv.JuJEu9SgxLf0KsR4R3QKqanNGN.g0iN.u",
                "sha512:{SHA512-CRYPT}$6$QR5FxD3gEG5wFntR$Jpl9Bo2cue0x9DzAQm3wzTUk0jIos3bRed3MQMIwre2GhH/Nqt0iJtIEx6E9qyrxF.Q3TP1tZ5cFvc6WyiVDE.",
                "sha256:{SHA256-CRYPT}$5$TQBhwrK/zXCOYQk1$GAZoj.ioMicuerBJ8pg5OB6fOCRry3QVnpGAjjSuivA::::::",
                "argon2id:{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$MmJSVQULN60kIhrKDuUlAg$vp9vRY4umzpQaoAsA6+UmuAvdyLCqB3GJGw+gCG4/ac",
                "argon2i:{ARGON2I}$argon2i$v=19$m=32768,t=4,p=1$7/Heebagz62kSKIWLt7zoA$tlx6ZlUetf/AduLnUPb5LKPx2GfiMciM6rKl144TfbA:1000:1000::/home/a::");
        for (String user : new String[] {"blf", "sha512", "sha256", "argon2id", "argon2i"}) {
            assertChecks(users, user);
        }
    }

    @Test
    void berthsOwnPbkdf2LinesStillAuthenticate() throws Exception {
        UsersFile users = load("# Berth's own", UsersFile.line("bob", PASSWORD.toCharArray()));
        assertChecks(users, "bob");
    }

    private BerthException refused(String line) throws IOException {
        Path f = dir.resolve("users");
        Files.writeString(f, "# first line\nok:" + "$2y$04$IDOB.DdZ98NSEaVG5TBj0e54ulFmbOShC0NpxLiPyBSAHsZHDdRsm\n" + line + "\n");
        BerthException e = assertThrows(BerthException.class, () -> UsersFile.load(f));
        assertTrue(e.getMessage().startsWith("SMTP users file " + f + " line 3: "), e.getMessage());
        assertEquals("smtp.users", e.setting().orElseThrow());
        return e;
    }

    @Test
    void plaintextWeakAndUnknownSchemesAreRefusedByName() throws Exception {
        assertTrue(refused("bob:{PLAIN}" + PASSWORD).getMessage().contains("password scheme PLAIN keeps the password in plaintext"));
        assertTrue(refused("bob:{CLEAR}" + PASSWORD).getMessage().contains("scheme CLEAR keeps the password in plaintext"));
        String md5 = tool("htpasswd", "-nbm", "bob", PASSWORD);
        assertTrue(refused(md5).getMessage().contains("password scheme $apr1$ is too fast"));
        assertTrue(refused("bob:{SSHA}abcdef").getMessage().contains("password scheme SSHA is too fast"));
        assertTrue(refused("bob:{SCRAM-SHA-256}4096,abc,def").getMessage().contains("password scheme SCRAM-SHA-256 is not one"));
        assertTrue(refused("bob:" + PASSWORD).getMessage().contains("no password scheme recognized"));
        assertTrue(refused("bob:{BLF-CRYPT}$6$abc$def").getMessage().contains("a {BLF-CRYPT} hash must start with $2a$"));
        assertTrue(refused("ok:{BLF-CRYPT}$2y$04$IDOB.DdZ98NSEaVG5TBj0e54ulFmbOShC0NpxLiPyBSAHsZHDdRsm").getMessage()
                .contains("user ok is already on line 2"));
    }

    @Test
    void costsThatWouldStallALoginAreRefused() throws Exception {
        String salt53 = "IDOB.DdZ98NSEaVG5TBj0e54ulFmbOShC0NpxLiPyBSAHsZHDdRsm";
        assertTrue(refused("bob:$2y$31$" + salt53).getMessage().contains("bcrypt cost must be 4 to 14, not 31"));
        assertTrue(refused("bob:$6$rounds=999999999$abc$" + "a".repeat(86)).getMessage()
                .contains("SHA-crypt rounds must be at most 500000"));
        String tail = "$MmJSVQULN60kIhrKDuUlAg$vp9vRY4umzpQaoAsA6+UmuAvdyLCqB3GJGw+gCG4/ac";
        assertTrue(refused("bob:$argon2id$v=19$m=4194304,t=3,p=1" + tail).getMessage()
                .contains("Argon2 m (KiB) must be 8 to 262144, not 4194304"));
        assertTrue(refused("bob:$argon2id$v=19$m=65536,t=1000,p=1" + tail).getMessage()
                .contains("Argon2 t (passes) must be 1 to 10, not 1000"));
        assertTrue(refused("bob:$argon2id$v=19$m=262144,t=10,p=1" + tail).getMessage()
                .contains("Argon2 m times t must be at most 786432"));
        assertTrue(refused("bob:$argon2id$v=19$m=65536,t=3,p=255" + tail).getMessage()
                .contains("Argon2 p (lanes) must be 1 to 16, not 255"));
        assertTrue(refused("bob:pbkdf2-sha256:2000000000:AAAA:AAAA").getMessage()
                .contains("pbkdf2-sha256 iterations must be 1 to 2000000"));
    }
}
