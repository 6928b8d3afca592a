package dev.berth.smtp;

import dev.berth.smtp.internal.Ids;
import dev.berth.smtp.internal.TraceHeaders;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;

/**
 * One message's envelope, from MAIL FROM to the end of DATA (or RSET): its reverse path, the
 * recipients accepted so far and the MAIL parameters. A new one starts with every MAIL command.
 */
public final class MailTransaction {
    /** The body type the client declared with {@code BODY=}. */
    public enum BodyType { SEVEN_BIT, EIGHT_BIT_MIME, BINARY_MIME }

    private final String id;
    private final SmtpSession session;
    private final String reversePath;
    private final OptionalLong declaredSize;
    private final BodyType bodyType;
    private final boolean smtpUtf8;
    private final List<String> recipients = new ArrayList<>();

    /** A transaction for {@code reversePath} (empty for the null path {@code <>}), as MAIL FROM declared it. */
    public MailTransaction(SmtpSession session, String reversePath, OptionalLong declaredSize, BodyType bodyType,
                           boolean smtpUtf8) {
        this.id = Ids.queueId();
        this.session = session;
        this.reversePath = reversePath;
        this.declaredSize = declaredSize;
        this.bodyType = bodyType;
        this.smtpUtf8 = smtpUtf8;
    }

    /**
     * The queue id: a short unique id that names this message everywhere, in the session log, the
     * {@code Received:} header, the 250 reply and the Maildir file's name.
     */
    public String id() {
        return id;
    }

    public SmtpSession session() {
        return session;
    }

    /** The sender's address without angle brackets; empty for the null reverse path (bounces). */
    public String reversePath() {
        return reversePath;
    }

    /** The size the client declared with {@code SIZE=}, if it did. */
    public OptionalLong declaredSize() {
        return declaredSize;
    }

    public BodyType bodyType() {
        return bodyType;
    }

    /** True when MAIL FROM carried {@code SMTPUTF8}: addresses and headers may be UTF-8. */
    public boolean smtpUtf8() {
        return smtpUtf8;
    }

    /** The recipients accepted so far, in order, without angle brackets. */
    public List<String> recipients() {
        return Collections.unmodifiableList(recipients);
    }

    /**
     * The trace headers a store prepends to the content, each ending in CRLF: {@code Return-Path:} with
     * the reverse path, then the RFC 5321 4.4 {@code Received:} header (client, this server, protocol,
     * queue id, TLS details, the recipient when there is one, and the current time).
     */
    public String traceHeaders() {
        return "Return-Path: <" + reversePath + ">\r\n" + TraceHeaders.received(this);
    }

    void addRecipient(String recipient) {
        recipients.add(recipient);
    }

    @Override
    public String toString() {
        return "MailTransaction[" + id + " from <" + reversePath + "> to " + recipients + "]";
    }
}
