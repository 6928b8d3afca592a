package dev.berth.smtp;

import dev.berth.core.spi.ServerContext;
import java.util.OptionalLong;

/**
 * A message store with a life of its own beside the server's, such as a connection to an external
 * system: opened for each server when it starts and closed once it has stopped, and able to lower
 * the largest message the server accepts. {@link MaildirStore} needs none of this and stays a plain
 * {@link SmtpMessageHandlerFactory}.
 */
public interface SmtpStore {

    /**
     * Opens the store for one server; the session settings are the module's. A store that cannot work
     * with them (or with its own settings) fails with a {@link dev.berth.core.BerthException} whose
     * one line names the flag or value.
     */
    Open open(ServerContext server, SmtpConfig config);

    /** A store opened for one server: makes each transaction's handler, and is closed when the server has stopped. */
    interface Open extends SmtpMessageHandlerFactory, AutoCloseable {

        /**
         * The largest message content, as the client sends it, that this store can keep; the server
         * advertises and enforces the lower of this and its own limit (SIZE, and {@code MAIL FROM SIZE=}).
         * Empty when the store adds no limit.
         */
        default OptionalLong maxMessageSize() {
            return OptionalLong.empty();
        }

        /** Releases what the store holds; called once, after every connection of the server is closed. */
        @Override
        void close();
    }
}
