package dev.berth.smtp.internal;

import dev.berth.smtp.MailTransaction;
import dev.berth.smtp.SmtpSession;
import java.net.InetSocketAddress;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import javax.net.ssl.SSLSession;

/** The RFC 5321 4.4 {@code Received:} trace header for a message. */
public final class TraceHeaders {
    /** RFC 5322 3.3 date-time; a numeric zone always ("+0000", never the obsolete "GMT"). */
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private TraceHeaders() {
    }

    /** A folded {@code Received:} header ending in CRLF, naming TLS details when the session had TLS. */
    public static String received(MailTransaction tx) {
        SmtpSession s = tx.session();
        InetSocketAddress client = s.remoteAddress();
        String ip = client == null ? "unknown" : client.getAddress().getHostAddress();
        StringBuilder b = new StringBuilder("Received: from ")
                .append(clean(s.heloName().orElse("unknown")))
                .append(" ([").append(client != null && client.getAddress() instanceof java.net.Inet6Address ? "IPv6:" : "")
                .append(ip).append("])\r\n\tby ").append(clean(s.serverName()))
                .append(" (Berth) with ").append(protocol(tx)).append(" id ").append(tx.id());
        s.tlsSession().ifPresent(t -> b.append("\r\n\t(").append(tls(t)).append(')'));
        if (tx.recipients().size() == 1) {
            b.append("\r\n\tfor <").append(clean(tx.recipients().get(0))).append('>');
        }
        b.append(";\r\n\t").append(DATE.format(ZonedDateTime.now()))
                .append("\r\n");
        return b.toString();
    }

    /** The RFC 3848 / 6531 protocol name: SMTP, ESMTP, with S for TLS and A for AUTH, UTF8 for SMTPUTF8. */
    static String protocol(MailTransaction tx) {
        SmtpSession s = tx.session();
        if (!s.extended()) {
            return "SMTP";
        }
        return (tx.smtpUtf8() ? "UTF8SMTP" : "ESMTP") + (s.tlsSession().isPresent() ? "S" : "")
                + (s.authenticatedUser().isPresent() ? "A" : "");
    }

    private static String tls(SSLSession t) {
        return "using " + t.getProtocol() + " with cipher " + t.getCipherSuite();
    }

    /** Keeps client-chosen text from breaking the header: no CR, LF or other controls. */
    private static String clean(String s) {
        return ClientText.printable(s);
    }
}
