package dev.berth.smtp;

import dev.berth.core.BerthException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The SMTP session's limits and policy: line lengths, recipients, message size, errors, timeouts,
 * TLS requirement, accepted domains and AUTH. Immutable; made with {@link #builder()}.
 */
public final class SmtpConfig {
    /** RFC 5321 4.5.3.1.4: a command line is at most 512 octets with its CRLF. */
    public static final int DEFAULT_MAX_COMMAND_LINE = 512;
    /** RFC 5321 4.5.3.1.6: a text line is at most 1000 octets with its CRLF. */
    public static final int DEFAULT_MAX_TEXT_LINE = 1000;

    private final String serverName;
    private final int maxCommandLine;
    private final int maxTextLine;
    private final int maxRecipients;
    private final long maxMessageSize;
    private final int maxErrors;
    private final Duration commandTimeout;
    private final Duration dataTimeout;
    private final Duration handlerTimeout;
    private final boolean requireTls;
    private final Set<String> acceptedDomains;
    private final SmtpAuthenticator authenticator;

    private SmtpConfig(Builder b) {
        this.serverName = b.serverName;
        this.maxCommandLine = atLeast("max command line", b.maxCommandLine, 64);
        this.maxTextLine = atLeast("max line length", b.maxTextLine, 80);
        this.maxRecipients = atLeast("max recipients", b.maxRecipients, 1);
        if (b.maxMessageSize < 1) {
            throw new BerthException("max message size must be at least 1 octet, not " + b.maxMessageSize);
        }
        this.maxMessageSize = b.maxMessageSize;
        this.maxErrors = atLeast("max errors", b.maxErrors, 1);
        this.commandTimeout = positive("command timeout", b.commandTimeout);
        this.dataTimeout = positive("data timeout", b.dataTimeout);
        this.handlerTimeout = positive("handler timeout", b.handlerTimeout);
        this.requireTls = b.requireTls;
        this.acceptedDomains = b.acceptedDomains.stream().map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.authenticator = b.authenticator;
    }

    private static int atLeast(String what, int value, int min) {
        if (value < min) {
            throw new BerthException(what + " must be at least " + min + ", not " + value);
        }
        return value;
    }

    private static Duration positive(String what, Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw new BerthException(what + " must be positive, not " + d);
        }
        return d;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from every setting of this configuration, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.serverName = serverName;
        b.maxCommandLine = maxCommandLine;
        b.maxTextLine = maxTextLine;
        b.maxRecipients = maxRecipients;
        b.maxMessageSize = maxMessageSize;
        b.maxErrors = maxErrors;
        b.commandTimeout = commandTimeout;
        b.dataTimeout = dataTimeout;
        b.handlerTimeout = handlerTimeout;
        b.requireTls = requireTls;
        b.acceptedDomains = acceptedDomains;
        b.authenticator = authenticator;
        return b;
    }

    /** The defaults: 512/1000-octet lines, 100 recipients, 25 MiB messages, 10 errors, 5 and 10 minute timeouts. */
    public static SmtpConfig defaults() {
        return builder().build();
    }

    /** The name in the greeting, EHLO reply and trace headers. */
    public String serverName() {
        return serverName;
    }

    public int maxCommandLine() {
        return maxCommandLine;
    }

    public int maxTextLine() {
        return maxTextLine;
    }

    public int maxRecipients() {
        return maxRecipients;
    }

    public long maxMessageSize() {
        return maxMessageSize;
    }

    /** Error replies a session may earn before it gets 421 and is closed. */
    public int maxErrors() {
        return maxErrors;
    }

    public Duration commandTimeout() {
        return commandTimeout;
    }

    public Duration dataTimeout() {
        return dataTimeout;
    }

    /** How long a message handler (or the authenticator) may take before the client gets 451 4.3.0. */
    public Duration handlerTimeout() {
        return handlerTimeout;
    }

    /** When true, MAIL before STARTTLS gets {@code 530 5.7.0}. */
    public boolean requireTls() {
        return requireTls;
    }

    /** Recipient domains accepted (lower case); empty means every domain. */
    public Set<String> acceptedDomains() {
        return acceptedDomains;
    }

    /** Whether a recipient's domain is accepted. */
    public boolean acceptsDomain(String domain) {
        return acceptedDomains.isEmpty() || acceptedDomains.contains(domain.toLowerCase(Locale.ROOT));
    }

    /** The AUTH checker; AUTH is offered (over TLS only) when there is one. */
    public Optional<SmtpAuthenticator> authenticator() {
        return Optional.ofNullable(authenticator);
    }

    /** Collects settings; every one has a default. */
    public static final class Builder {
        private String serverName = "localhost";
        private int maxCommandLine = DEFAULT_MAX_COMMAND_LINE;
        private int maxTextLine = DEFAULT_MAX_TEXT_LINE;
        private int maxRecipients = 100;
        private long maxMessageSize = 25L * 1024 * 1024;
        private int maxErrors = 10;
        private Duration commandTimeout = Duration.ofMinutes(5);
        private Duration dataTimeout = Duration.ofMinutes(10);
        private Duration handlerTimeout = Duration.ofMinutes(2);
        private boolean requireTls;
        private Set<String> acceptedDomains = Set.of();
        private SmtpAuthenticator authenticator;

        private Builder() {
        }

        public Builder serverName(String v) {
            this.serverName = Objects.requireNonNull(v);
            return this;
        }

        public Builder maxCommandLine(int v) {
            this.maxCommandLine = v;
            return this;
        }

        public Builder maxTextLine(int v) {
            this.maxTextLine = v;
            return this;
        }

        public Builder maxRecipients(int v) {
            this.maxRecipients = v;
            return this;
        }

        public Builder maxMessageSize(long v) {
            this.maxMessageSize = v;
            return this;
        }

        public Builder maxErrors(int v) {
            this.maxErrors = v;
            return this;
        }

        public Builder commandTimeout(Duration v) {
            this.commandTimeout = Objects.requireNonNull(v);
            return this;
        }

        public Builder dataTimeout(Duration v) {
            this.dataTimeout = Objects.requireNonNull(v);
            return this;
        }

        public Builder handlerTimeout(Duration v) {
            this.handlerTimeout = Objects.requireNonNull(v);
            return this;
        }

        public Builder requireTls(boolean v) {
            this.requireTls = v;
            return this;
        }

        public Builder acceptedDomains(Set<String> v) {
            this.acceptedDomains = Set.copyOf(v);
            return this;
        }

        /** The AUTH checker, or null for no AUTH. */
        public Builder authenticator(SmtpAuthenticator v) {
            this.authenticator = v;
            return this;
        }

        public SmtpConfig build() {
            return new SmtpConfig(this);
        }
    }
}
