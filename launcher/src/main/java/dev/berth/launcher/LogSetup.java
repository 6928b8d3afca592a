package dev.berth.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.status.Status;
import dev.berth.core.BerthException;
import dev.berth.core.launch.ModuleSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.slf4j.LoggerFactory;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The logging backend as the launcher sets it up: the level and format of Berth's own console log, and
 * a check that a custom {@code -Dlogback.configurationFile} is one logback can use. Logback itself
 * falls back to defaults without a word when that file is missing, and prints a stack trace when it is
 * not XML; the launcher says instead, in one line, what is wrong, and stops (exit 2).
 */
final class LogSetup {
    /** The system property logback reads its configuration file from. */
    static final String CONFIGURATION_FILE = "logback.configurationFile";
    private static final String STATUS_LISTENER = "logback.statusListenerClass";
    /** The appender of Berth's own logging set-up whose encoder --log-format chooses. */
    private static final String CONSOLE = DefaultLogging.CONSOLE;
    /** The appender of Berth's own logging set-up that writes the HTTP access log's lines as they are. */
    private static final String ACCESS = DefaultLogging.ACCESS;
    /** The logger of the HTTP access log (server-http's {@code AccessLog.LOGGER}). */
    private static final String ACCESS_LOGGER = DefaultLogging.ACCESS_LOGGER;

    private LogSetup() {
    }

    /** The custom logback configuration named with {@code -Dlogback.configurationFile}, if any. */
    static Optional<String> customConfiguration() {
        return Optional.ofNullable(System.getProperty(CONFIGURATION_FILE)).filter(s -> !s.isBlank());
    }

    /**
     * Checks the custom configuration file before logback reads it (so before anything logs): it must
     * exist and be well-formed XML. Logback's own status output is silenced, so that this line, and
     * {@link #configurationErrors()} after logback has read the file, are the one report.
     */
    static Optional<String> checkBeforeLogging() {
        Optional<String> custom = customConfiguration();
        if (custom.isEmpty()) {
            return Optional.empty();
        }
        if (System.getProperty(STATUS_LISTENER) == null) {
            System.setProperty(STATUS_LISTENER, "ch.qos.logback.core.status.NopStatusListener");
        }
        String where = "-D" + CONFIGURATION_FILE + "=" + custom.get() + ": ";
        if (custom.get().matches("[a-zA-Z][a-zA-Z0-9+.-]+:/.*")) {
            return Optional.empty(); // a URL: logback's statuses tell whether it could be read
        }
        Path file = Path.of(custom.get());
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            return Optional.of(where + "no such readable file (logback would silently use its defaults)");
        }
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            javax.xml.parsers.DocumentBuilder parser = f.newDocumentBuilder();
            parser.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e; // reported below in one line, not printed by the parser as well
                }
            });
            parser.parse(file.toFile());
            return Optional.empty();
        } catch (SAXParseException e) {
            return Optional.of(where + "line " + e.getLineNumber() + ": not well-formed XML: " + e.getMessage());
        } catch (SAXException | IOException | ParserConfigurationException e) {
            return Optional.of(where + "cannot be read as XML: " + e.getMessage());
        }
    }

    /** The first error logback reported while reading the custom configuration (an unknown appender class, say). */
    static Optional<String> configurationErrors() {
        Optional<String> custom = customConfiguration();
        if (custom.isEmpty() || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return Optional.empty();
        }
        for (Status s : context.getStatusManager().getCopyOfStatusList()) {
            if (s.getLevel() == Status.ERROR) {
                Throwable t = s.getThrowable();
                return Optional.of("-D" + CONFIGURATION_FILE + "=" + custom.get() + ": " + s.getMessage()
                        + (t == null ? "" : " (" + t.getMessage() + ")"));
            }
        }
        return Optional.empty();
    }

    /** The root level, checked: one of trace, debug, info, warn, error, off. */
    static Level level(String level) {
        String l = level.trim().toUpperCase(Locale.ROOT);
        if (!List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF").contains(l)) {
            throw ModuleSettings.bad("log-level", level, "one of trace, debug, info, warn, error, off");
        }
        return Level.toLevel(l);
    }

    /**
     * Applies {@code --log-level} and {@code --log-format}. With a custom logback configuration the
     * level is applied only when given (flag, variable or file), and then with a line saying it
     * replaces the file's root level; a format other than text is refused, since that file chooses
     * its own encoders.
     */
    static void apply(String level, boolean levelGiven, String format, boolean formatGiven) {
        Level l = level(level);
        boolean json = switch (format.trim().toLowerCase(Locale.ROOT)) {
            case "text" -> false;
            case "json" -> true;
            default -> throw ModuleSettings.bad("log-format", format, "text or json");
        };
        Optional<String> custom = customConfiguration();
        if (custom.isPresent() && json && formatGiven) {
            throw new BerthException("--log-format json needs Berth's own logging set-up; the encoders of -D"
                    + CONFIGURATION_FILE + "=" + custom.get() + " decide the format (use logback's JsonEncoder there)",
                    "log-format");
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (custom.isPresent()) {
            if (levelGiven) {
                Level before = root.getLevel();
                root.setLevel(l);
                LoggerFactory.getLogger(LogSetup.class).info("--log-level {} replaces the root level {} of {}",
                        level, before, custom.get());
            }
            return;
        }
        root.setLevel(l);
        if (json) {
            useJson(context, root);
        }
    }

    /**
     * Sets logback's JSON encoder, which writes SLF4J key-value pairs as structured keys, on Berth's console appender,
     * and sends the access log's lines there too, each a JSON object like every other line.
     */
    static void useJson(LoggerContext context, ch.qos.logback.classic.Logger root) {
        ch.qos.logback.classic.Logger access = context.getLogger(ACCESS_LOGGER);
        Appender<ILoggingEvent> plain = access.getAppender(ACCESS);
        if (plain != null) {
            access.detachAppender(plain);
            access.setAdditive(true);
            plain.stop();
        }
        Appender<ILoggingEvent> a = root.getAppender(CONSOLE);
        if (!(a instanceof OutputStreamAppender<ILoggingEvent> console)) {
            return;
        }
        Encoder<ILoggingEvent> old = console.getEncoder();
        if (old instanceof JsonEncoder) {
            return;
        }
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        // the message as read ("listening https tcp://...") besides its template; no per-line context noise
        json.setWithFormattedMessage(true);
        json.setWithArguments(false);
        json.setWithContext(false);
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.start();
        console.stop();
        console.setEncoder(json);
        console.start();
        if (old != null) {
            old.stop();
        }
    }
}
