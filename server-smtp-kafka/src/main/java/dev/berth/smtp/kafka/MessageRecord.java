package dev.berth.smtp.kafka;

import dev.berth.smtp.MailTransaction;
import dev.berth.smtp.SmtpSession;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSession;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * One accepted message as a Kafka record (docs/smtp-kafka.md, "Record format"): the queue id as the
 * key, the message with its trace headers as the value, and the envelope as UTF-8 record headers.
 */
final class MessageRecord {
    static final String QUEUE_ID = "berth-queue-id";
    static final String MAIL_FROM = "berth-mail-from";
    static final String RCPT_TO = "berth-rcpt-to";
    static final String CLIENT_ADDRESS = "berth-client-address";
    static final String HELO = "berth-helo";
    static final String TLS = "berth-tls";
    static final String AUTH = "berth-auth";
    static final String RECEIVED_AT = "berth-received-at";
    static final String BODY = "berth-body";
    static final String SMTPUTF8 = "berth-smtputf8";

    private MessageRecord() {
    }

    /** The record for {@code tx}, whose content with trace headers is {@code value}, received at {@code at}. */
    static ProducerRecord<byte[], byte[]> of(String topic, MailTransaction tx, byte[] value, Instant at) {
        SmtpSession s = tx.session();
        List<Header> h = new ArrayList<>();
        add(h, QUEUE_ID, tx.id());
        add(h, MAIL_FROM, tx.reversePath());
        for (String r : tx.recipients()) {
            add(h, RCPT_TO, r);
        }
        InetSocketAddress client = s.remoteAddress();
        if (client != null) {
            add(h, CLIENT_ADDRESS, address(client));
        }
        s.heloName().ifPresent(n -> add(h, HELO, n));
        s.tlsSession().ifPresent(t -> add(h, TLS, tls(t)));
        s.authenticatedUser().ifPresent(u -> add(h, AUTH, u));
        add(h, RECEIVED_AT, at.toString());
        add(h, BODY, body(tx.bodyType()));
        if (tx.smtpUtf8()) {
            add(h, SMTPUTF8, "true");
        }
        return new ProducerRecord<>(topic, null, tx.id().getBytes(StandardCharsets.UTF_8), value, h);
    }

    /** {@code ip:port}, the IPv6 address in brackets ({@code [2001:db8::1]:25}). */
    static String address(InetSocketAddress a) {
        if (a.getAddress() == null) {
            return a.getHostString() + ":" + a.getPort();
        }
        String ip = a.getAddress().getHostAddress();
        return (a.getAddress() instanceof Inet6Address ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }

    private static String tls(SSLSession t) {
        return t.getProtocol() + " " + t.getCipherSuite();
    }

    static String body(MailTransaction.BodyType type) {
        switch (type) {
            case EIGHT_BIT_MIME:
                return "8BITMIME";
            case BINARY_MIME:
                return "BINARYMIME";
            default:
                return "7BIT";
        }
    }

    private static void add(List<Header> headers, String name, String value) {
        headers.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
    }
}
