package dev.berth.smtp;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Collects what one logger writes, at INFO and above, for the duration of a test; captured, not printed. */
final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final Level before;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    /** Captures the logger named {@code name} (a class name, for a class the test cannot see). */
    LogCapture(String name) {
        logger = (Logger) LoggerFactory.getLogger(name);
        before = logger.getLevel();
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        appender.start();
        logger.addAppender(appender);
    }

    /** Every event captured so far, oldest first. */
    List<ILoggingEvent> events() {
        synchronized (appender) { // the appender adds under this lock, from event-loop threads
            return List.copyOf(appender.list);
        }
    }

    /**
     * The first event that {@code wanted} accepts, waiting for it as long as a client takes to hang up:
     * a session's last lines are written after its client has read the last reply.
     */
    ILoggingEvent await(Predicate<ILoggingEvent> wanted) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            for (ILoggingEvent e : events()) {
                if (wanted.test(e)) {
                    return e;
                }
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("no such log event among " + events().stream()
                        .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList()));
            }
            Thread.sleep(20);
        }
    }

    /** Formatted messages at {@code level}. */
    List<String> messages(Level level) {
        return events().stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                .collect(Collectors.toList());
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(before);
        logger.setAdditive(true);
    }
}
