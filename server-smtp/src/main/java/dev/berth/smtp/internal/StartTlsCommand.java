package dev.berth.smtp.internal;

import dev.berth.core.tls.StartTls;
import dev.berth.core.tls.TlsMode;
import dev.berth.smtp.SmtpReply;
import io.netty.buffer.Unpooled;

/**
 * STARTTLS (RFC 3207), through core's {@link StartTls}: TLS goes in before the 220, whatever the
 * client pipelined after the command is dropped, and once the handshake is done the session forgets
 * everything it learnt in plaintext.
 */
final class StartTlsCommand implements Command {
    private static final SmtpReply READY = SmtpReply.of(220, "2.0.0", "Ready to start TLS");

    @Override
    public void run(Session session, String argument) {
        if (!argument.isEmpty()) {
            session.error(SmtpReply.of(501, "5.5.4", "Syntax: STARTTLS"));
        } else if (session.tls()) {
            session.error(SmtpReply.of(503, "5.5.1", "TLS already active"));
        } else if (session.state().authenticatedUser().isPresent()) {
            session.error(SmtpReply.of(503, "5.5.1", "STARTTLS is not allowed after AUTH"));
        } else if (session.connection().listener().tlsMode() != TlsMode.STARTTLS) {
            session.error(SmtpReply.of(502, "5.5.1", "STARTTLS not available"));
        } else {
            session.transaction().end("STARTTLS");
            session.events().startTlsBegun();
            StartTls.begin(session.ctx(), Session.FRAMER, session.input()::freshFramer, Unpooled.wrappedBuffer(READY.wireBytes()),
                    ssl -> {
                        // RFC 3207 4.2: forget everything learnt from the client in plaintext. Core dropped
                        // whatever came after STARTTLS, so no AUTH exchange or content is under way here.
                        session.state().forget();
                        session.transaction().end("TLS started");
                        session.restartTimer();
                        session.events().tlsEstablished();
                    });
        }
    }
}
