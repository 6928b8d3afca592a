package dev.berth.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

/**
 * Berth's default logging, set up in code as logback starts (a {@link Configurator} named in
 * {@code META-INF/services}): the console log with its prefix ({@code 2026-12-04 16:45:52.578 INFO  [main]
 * dev.berth.core.Server - ...}), appender {@value #CONSOLE}; the HTTP access log's lines as they are
 * (Combined Log Format) on the same standard output, written once per event-loop turn
 * ({@link LoopBatchedConsoleAppender}), appender {@value #ACCESS} of logger {@value #ACCESS_LOGGER},
 * whose level follows the root's; Netty's and Kafka's client's loggers at WARN; the root at INFO until
 * {@code --log-level} sets it ({@link LogSetup}).
 *
 * <p>In code rather than a {@code logback.xml}: reading that file made logback load its XML configurator and
 * parser, about 600 classes, a large part of a deployed jar's start-up time (bench/README.md). A logging
 * configuration of the user's own still wins: {@code -Dlogback.configurationFile}, or a {@code logback-test.xml}
 * or {@code logback.xml} on the class path (Berth embedded in an application), leaves the set-up to logback's
 * own configurators.
 */
public final class DefaultLogging extends ContextAwareBase implements Configurator {
    static final String CONSOLE = "console";
    static final String ACCESS = "access";
    static final String ACCESS_LOGGER = "berth.http.access";
    static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n";

    public DefaultLogging() {
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        return configure(context, DefaultLogging.class.getClassLoader(), Thread.currentThread().getContextClassLoader());
    }

    /** {@link #configure(LoggerContext)}, looking for a logging file of the user's own in {@code loaders}. */
    static ExecutionStatus configure(LoggerContext context, ClassLoader... loaders) {
        if (LogSetup.customConfiguration().isPresent()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        for (ClassLoader loader : loaders) {
            if (loader != null && (loader.getResource("logback-test.xml") != null
                    || loader.getResource("logback.xml") != null)) {
                return ExecutionStatus.INVOKE_NEXT_IF_ANY;
            }
        }
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sets {@code context} up as Berth's default logging. */
    static void apply(LoggerContext context) {
        // logback's own status lines stay quiet, as the logback.xml this replaced had them
        context.getStatusManager().add(new NopStatusListener());
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console(context, CONSOLE, PATTERN));
        ch.qos.logback.classic.Logger access = context.getLogger(ACCESS_LOGGER);
        access.setAdditive(false);
        access.addAppender(accessAppender(context));
        context.getLogger("io.netty").setLevel(Level.WARN);
        // the Kafka store's client logs its whole configuration and every reconnection at INFO
        context.getLogger("org.apache.kafka").setLevel(Level.WARN);
    }

    /** The access log's lines as they are, gathered per event-loop turn ({@link LoopBatchedConsoleAppender}). */
    private static LoopBatchedConsoleAppender accessAppender(LoggerContext context) {
        LoopBatchedConsoleAppender appender = new LoopBatchedConsoleAppender();
        appender.setContext(context);
        appender.setName(ACCESS);
        appender.setEncoder(encoder(context, "%msg%n"));
        appender.start();
        return appender;
    }

    private static PatternLayoutEncoder encoder(LoggerContext context, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }

    private static ConsoleAppender<ILoggingEvent> console(LoggerContext context, String name, String pattern) {
        PatternLayoutEncoder encoder = encoder(context, pattern);
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(name);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
