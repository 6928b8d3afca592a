package dev.berth.smtp;

import dev.berth.core.BerthException;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ProtocolModule;
import dev.berth.core.spi.ProtocolService;
import dev.berth.smtp.internal.SmtpFramer;
import dev.berth.smtp.internal.SmtpMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelPipeline;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP module serving one server: each new connection gets a session with the settings current
 * at its accept and its listener's meters. A reload ({@link #reconfigure}) swaps the accepted domains
 * and the authenticator for sessions that start afterwards; open sessions keep what they started with.
 */
final class SmtpService implements ProtocolService {
    private static final Logger log = LoggerFactory.getLogger(SmtpService.class);

    private final SmtpMessageHandlerFactory handlers;
    private final MeterRegistry registry;
    private final Runnable onStop;
    private final Map<String, SmtpMeters> meters = new ConcurrentHashMap<>();
    private volatile SmtpConfig config;

    SmtpService(SmtpConfig config, SmtpMessageHandlerFactory handlers, MeterRegistry registry, Runnable onStop) {
        this.config = config;
        this.handlers = handlers;
        this.registry = registry;
        this.onStop = onStop;
    }

    @Override
    public void initPipeline(ChannelPipeline pipeline, ConnectionContext connection) {
        SmtpConfig current = config; // one read: the session's framer and handler agree on one configuration
        SmtpFramer framer = SmtpSessionHandler.newFramer(current);
        pipeline.addLast(SmtpSessionHandler.FRAMER, framer);
        pipeline.addLast(SmtpSessionHandler.NAME, new SmtpSessionHandler(current, handlers, connection, framer,
                connection.server().blockingExecutor(), metersOf(connection.listener().name())));
    }

    private SmtpMeters metersOf(String listener) {
        SmtpMeters m = meters.get(listener);
        return m != null ? m : meters.computeIfAbsent(listener, l -> new SmtpMeters(registry, l));
    }

    /**
     * Takes the accepted domains and the authenticator (the users file, read again when the module was
     * made) of {@code updated}; its other settings need a restart and are left as they are.
     */
    @Override
    public boolean reconfigure(ProtocolModule updated) {
        if (!(updated instanceof SmtpModule)) {
            throw new BerthException("smtp: cannot reconfigure from module " + updated.name() + " ("
                    + updated.getClass().getName() + ")");
        }
        SmtpConfig next = ((SmtpModule) updated).config();
        SmtpConfig before = config;
        config = before.toBuilder().acceptedDomains(next.acceptedDomains())
                .authenticator(next.authenticator().orElse(null)).build();
        log.info("smtp: new sessions accept {} and {}",
                next.acceptedDomains().isEmpty() ? "every recipient domain" : "recipient domains " + next.acceptedDomains(),
                next.authenticator().map(a -> "AUTH with " + a).orElse("no AUTH"));
        return true;
    }

    /** Closes the message store, if it has a life of its own: every session has ended by now. */
    @Override
    public void stop() {
        onStop.run();
    }

    /** The settings new sessions get. */
    SmtpConfig config() {
        return config;
    }
}
