package dev.berth.smtp;

import dev.berth.core.BerthException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * An {@link SmtpAuthenticator} backed by a text file of salted PBKDF2 password hashes, one user a line:
 * {@code name:pbkdf2-sha256:ITERATIONS:SALT:HASH} (salt and hash in base64; {@code #} starts a comment).
 * Make a line with {@code java -cp server-smtp.jar dev.berth.smtp.UsersFile NAME} (reads the password
 * from standard input).
 */
public final class UsersFile implements SmtpAuthenticator {
    private static final String SCHEME = "pbkdf2-sha256";
    private static final int ITERATIONS = 210_000;
    private static final int HASH_BITS = 256;

    private record Entry(int iterations, byte[] salt, byte[] hash) {
    }

    private final Map<String, Entry> users;
    private final Entry decoy;

    private UsersFile(Map<String, Entry> users) {
        this.users = Map.copyOf(users);
        byte[] salt = new byte[16];
        this.decoy = new Entry(ITERATIONS, salt, new byte[HASH_BITS / 8]);
    }

    /** Reads {@code file}; a missing file or a bad line fails with one message naming the file and line. */
    public static UsersFile load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BerthException("SMTP users file " + file + " (--smtp-users) does not exist");
        } catch (IOException e) {
            throw new BerthException("cannot read the SMTP users file " + file + " (--smtp-users): " + e);
        }
        Map<String, Entry> users = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(":", -1);
            try {
                if (f.length != 5 || f[0].isEmpty() || !f[1].equals(SCHEME)) {
                    throw new IllegalArgumentException("expected name:" + SCHEME + ":iterations:salt:hash");
                }
                users.put(f[0], new Entry(Integer.parseInt(f[2]), Base64.getDecoder().decode(f[3]),
                        Base64.getDecoder().decode(f[4])));
            } catch (IllegalArgumentException e) {
                throw new BerthException("SMTP users file " + file + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return new UsersFile(users);
    }

    /** The file line for {@code user} with a fresh salt. */
    public static String line(String user, char[] password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        byte[] hash = pbkdf2(password, salt, ITERATIONS);
        return user + ":" + SCHEME + ":" + ITERATIONS + ":" + Base64.getEncoder().encodeToString(salt) + ":"
                + Base64.getEncoder().encodeToString(hash);
    }

    @Override
    public boolean authenticate(String user, char[] password) {
        Entry e = users.get(user);
        // An unknown user costs as much as a known one, so timing does not tell which names exist.
        Entry check = e == null ? decoy : e;
        boolean same = MessageDigest.isEqual(pbkdf2(password, check.salt(), check.iterations()), check.hash());
        return e != null && same;
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
            try {
                return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            } finally {
                spec.clearPassword();
            }
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", ex);
        }
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
