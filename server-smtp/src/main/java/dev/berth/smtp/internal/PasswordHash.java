package dev.berth.smtp.internal;

/** One user's stored password hash in the users file, whatever scheme made it; it checks a password, never reveals one. */
public interface PasswordHash {

    /** True when {@code password} is the one hashed; takes as long whether it is or not. */
    boolean matches(char[] password);

    /**
     * The scheme and its cost parameters, e.g. {@code bcrypt:10}: hashes with the same key take the
     * same time to check, which is what the decoy for an unknown user must match.
     */
    String costKey();
}
