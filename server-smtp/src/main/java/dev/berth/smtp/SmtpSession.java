package dev.berth.smtp;

import dev.berth.core.spi.ConnectionContext;
import java.net.InetSocketAddress;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * What the server knows about one SMTP connection, apart from any message: the client's address
 * (after a PROXY header), the name it gave in HELO or EHLO, its TLS session and its authenticated
 * user. Values change as the session goes on (STARTTLS forgets the HELO name); read them when needed.
 */
public interface SmtpSession {

    /** The connection this session runs on. */
    ConnectionContext connection();

    /** The client's address: the PROXY header's source when a trusted proxy sent one. */
    default InetSocketAddress remoteAddress() {
        return connection().remoteAddress();
    }

    /** The name this server gives itself in the greeting and in trace headers. */
    String serverName();

    /** The name the client gave in its last HELO or EHLO; empty before one, and again after STARTTLS. */
    Optional<String> heloName();

    /** True after EHLO (rather than HELO). */
    boolean extended();

    /** The TLS session, once the connection speaks TLS (implicit TLS or after STARTTLS). */
    default Optional<SSLSession> tlsSession() {
        return connection().tlsSession();
    }

    /** The user that AUTH authenticated, if any. */
    Optional<String> authenticatedUser();
}
