package dev.berth.smtp.internal;

import dev.berth.core.spi.ConnectionContext;
import dev.berth.smtp.SmtpSession;
import java.util.Optional;

/** The session facts a connection has learnt so far; written on the event loop, read by handlers anywhere. */
final class SessionState implements SmtpSession {
    private final ConnectionContext connection;
    private final String serverName;
    private volatile String heloName;
    private volatile boolean extended;
    private volatile String user;

    SessionState(ConnectionContext connection, String serverName) {
        this.connection = connection;
        this.serverName = serverName;
    }

    @Override
    public ConnectionContext connection() {
        return connection;
    }

    @Override
    public String serverName() {
        return serverName;
    }

    @Override
    public Optional<String> heloName() {
        return Optional.ofNullable(heloName);
    }

    @Override
    public boolean extended() {
        return extended;
    }

    @Override
    public Optional<String> authenticatedUser() {
        return Optional.ofNullable(user);
    }

    void greeted(String name, boolean extended) {
        this.heloName = name;
        this.extended = extended;
    }

    void authenticated(String user) {
        this.user = user;
    }

    /** Forgets everything learnt so far (after STARTTLS): the client must greet and authenticate again. */
    void forget() {
        heloName = null;
        extended = false;
        user = null;
    }
}
