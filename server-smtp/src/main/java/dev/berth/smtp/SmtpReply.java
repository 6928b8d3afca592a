package dev.berth.smtp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One SMTP reply: a three-digit code, an RFC 3463 enhanced status code and one or more text lines.
 * Immutable. A code from 200 to 399 accepts, 400 to 599 refuses (4xx temporarily, 5xx for good).
 */
public final class SmtpReply {
    private static final Pattern ENHANCED_CODE = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");

    /** The default answer to an accepted sender. */
    public static final SmtpReply SENDER_OK = of(250, "2.1.0", "Sender OK");
    /** The default answer to an accepted recipient. */
    public static final SmtpReply RECIPIENT_OK = of(250, "2.1.5", "Recipient OK");
    /** The default answer to a stored message. */
    public static final SmtpReply MESSAGE_ACCEPTED = of(250, "2.0.0", "Message accepted");
    /** What a handler's failure becomes: the client should try again later. */
    public static final SmtpReply LOCAL_ERROR = of(451, "4.3.0", "Local error in processing, try again later");

    private final int code;
    private final String enhancedCode;
    private final List<String> lines;

    private SmtpReply(int code, String enhancedCode, List<String> lines) {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("SMTP reply codes are 200..599, not " + code);
        }
        if (enhancedCode != null && (!ENHANCED_CODE.matcher(enhancedCode).matches()
                || enhancedCode.charAt(0) != Integer.toString(code).charAt(0))) {
            throw new IllegalArgumentException("enhanced status code '" + enhancedCode + "' does not fit reply " + code);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
        for (String l : lines) {
            if (l.indexOf('\r') >= 0 || l.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("reply text must not contain CR or LF: " + l);
            }
        }
        this.code = code;
        this.enhancedCode = enhancedCode;
        this.lines = List.copyOf(lines);
    }

    /** A one-line reply such as {@code 550 5.1.1 No such user}. */
    public static SmtpReply of(int code, String enhancedCode, String text) {
        return new SmtpReply(code, Objects.requireNonNull(enhancedCode, "enhancedCode"), List.of(text));
    }

    /** A multi-line reply; every line carries the same codes. */
    public static SmtpReply of(int code, String enhancedCode, List<String> lines) {
        return new SmtpReply(code, Objects.requireNonNull(enhancedCode, "enhancedCode"), lines);
    }

    /** A reply without an enhanced status code: the greeting, 354 and AUTH's 334 challenges. */
    public static SmtpReply plain(int code, String text) {
        return new SmtpReply(code, null, List.of(text));
    }

    /** A multi-line reply without enhanced codes: the EHLO reply, whose lines name extensions. */
    public static SmtpReply plain(int code, List<String> lines) {
        return new SmtpReply(code, null, lines);
    }

    public int code() {
        return code;
    }

    /** The RFC 3463 code such as {@code 5.1.1}, or null for replies that carry none (220, 334, 354). */
    public String enhancedCode() {
        return enhancedCode;
    }

    public List<String> lines() {
        return lines;
    }

    /** True for 2xx and 3xx. */
    public boolean isPositive() {
        return code < 400;
    }

    /** True for 4xx: the client may try again later. */
    public boolean isTransient() {
        return code >= 400 && code < 500;
    }

    /** The reply as it goes on the wire, every line ending in CRLF. */
    public String wireFormat() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            b.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (enhancedCode != null) {
                b.append(enhancedCode).append(' ');
            }
            b.append(lines.get(i)).append("\r\n");
        }
        return b.toString();
    }

    /** The wire format's bytes (UTF-8, as SMTPUTF8 allows in reply text). */
    public byte[] wireBytes() {
        return wireFormat().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SmtpReply && ((SmtpReply) o).wireFormat().equals(wireFormat());
    }

    @Override
    public int hashCode() {
        return wireFormat().hashCode();
    }

    @Override
    public String toString() {
        return wireFormat().replace("\r\n", " | ").trim();
    }
}
