package dev.berth.smtp;

import dev.berth.core.BerthException;
import dev.berth.smtp.internal.PasswordHash;
import dev.berth.smtp.internal.PasswordHashes;
import dev.berth.smtp.internal.Pbkdf2Hash;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link SmtpAuthenticator} backed by a text file of password hashes, one user a line
 * ({@code #} starts a comment): Berth's own {@code name:pbkdf2-sha256:ITERATIONS:SALT:HASH}, a bcrypt
 * line from {@code htpasswd -B} ({@code name:$2y$...}), or a Dovecot {@code doveadm pw} line
 * ({@code name:{BLF-CRYPT}...}, {@code {SHA512-CRYPT}}, {@code {ARGON2ID}}). Plaintext and unknown
 * schemes are refused when the file is read. Make a Berth line with
 * {@code java -cp server-smtp.jar dev.berth.smtp.UsersFile NAME} (reads the password from standard input).
 */
public final class UsersFile implements SmtpAuthenticator {
    private static final int ITERATIONS = 210_000;

    private final Path file;
    private final Map<String, PasswordHash> users;
    private final PasswordHash decoy;

    private UsersFile(Path file, Map<String, PasswordHash> users) {
        this.file = file;
        this.users = Map.copyOf(users);
        this.decoy = decoyFor(users);
    }

    /**
     * What an unknown user's password is checked against: a real entry of the file's most common
     * scheme and cost, so that a wrong name takes as long as a wrong password and timing does not
     * tell which names exist. The answer for an unknown user is no, whatever the check says.
     */
    private static PasswordHash decoyFor(Map<String, PasswordHash> users) {
        Map<String, Integer> counts = new HashMap<>();
        PasswordHash best = null;
        int bestCount = 0;
        for (PasswordHash h : users.values()) {
            int n = counts.merge(h.costKey(), 1, Integer::sum);
            if (n > bestCount) {
                best = h;
                bestCount = n;
            }
        }
        if (best != null) {
            return best;
        }
        byte[] salt = new byte[16];
        return PasswordHashes.parse(Pbkdf2Hash.encode("-".toCharArray(), salt, ITERATIONS));
    }

    /** Reads {@code file}; a missing file or a bad line fails with one message naming the file and line. */
    public static UsersFile load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BerthException("SMTP users file " + file + " (--smtp-users) does not exist", "smtp.users");
        } catch (IOException e) {
            throw new BerthException("cannot read the SMTP users file " + file + " (--smtp-users): " + e, "smtp.users");
        }
        Map<String, PasswordHash> users = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            try {
                if (colon <= 0) {
                    throw new IllegalArgumentException("expected name:hash");
                }
                String name = line.substring(0, colon);
                Integer earlier = lineOf.putIfAbsent(name, i + 1);
                if (earlier != null) {
                    throw new IllegalArgumentException("user " + name + " is already on line " + earlier);
                }
                users.put(name, PasswordHashes.parse(line.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new BerthException("SMTP users file " + file + " line " + (i + 1) + ": " + e.getMessage(), "smtp.users");
            }
        }
        return new UsersFile(file, users);
    }

    /** The file line for {@code user} in Berth's own scheme, with a fresh salt. */
    public static String line(String user, char[] password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return user + ":" + Pbkdf2Hash.encode(password, salt, ITERATIONS);
    }

    @Override
    public boolean authenticate(String user, char[] password) {
        PasswordHash h = users.get(user);
        boolean same = (h == null ? decoy : h).matches(password);
        return h != null && same;
    }

    @Override
    public String toString() {
        return "users file " + file + " (" + users.size() + (users.size() == 1 ? " user)" : " users)");
    }

    /** Prints a users-file line for the user named by the argument, the password read from standard input. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java -cp server-smtp.jar dev.berth.smtp.UsersFile NAME  (password on stdin)");
            System.exit(2);
        }
        String password;
        if (System.console() != null) {
            password = new String(System.console().readPassword("password for %s: ", args[0]));
        } else {
            password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        if (password == null || password.isEmpty()) {
            System.err.println("no password given");
            System.exit(2);
        }
        System.out.println(line(args[0], password.toCharArray()));
    }
}
