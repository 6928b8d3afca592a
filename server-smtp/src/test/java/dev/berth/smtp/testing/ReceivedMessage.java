package dev.berth.smtp.testing;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * One message a {@link BerthSmtpExtension} accepted: its envelope as the client gave it, the session's
 * facts (client address, TLS protocol, authenticated user) and the content exactly as received
 * (CRLF lines, dot-stuffing undone, without Berth's trace headers).
 */
public final class ReceivedMessage {
    private final String id;
    private final String from;
    private final List<String> recipients;
    private final byte[] content;
    private final InetSocketAddress client;
    private final String heloName;
    private final String tlsProtocol;
    private final String user;

    ReceivedMessage(String id, String from, List<String> recipients, byte[] content, InetSocketAddress client,
                    String heloName, String tlsProtocol, String user) {
        this.id = id;
        this.from = from;
        this.recipients = List.copyOf(recipients);
        this.content = content.clone();
        this.client = client;
        this.heloName = heloName;
        this.tlsProtocol = tlsProtocol;
        this.user = user;
    }

    /** The transaction's id (the queue id). */
    public String id() {
        return id;
    }

    /** The MAIL FROM path, without angle brackets; empty for the null sender {@code <>}. */
    public String from() {
        return from;
    }

    /** The accepted RCPT TO paths, in order. */
    public List<String> recipients() {
        return recipients;
    }

    /** The content as received. */
    public byte[] bytes() {
        return content.clone();
    }

    /** The content as UTF-8 text. */
    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }

    /** The value of the first header of that name, unfolded; empty when there is none. */
    public Optional<String> header(String name) {
        String head = text();
        int end = head.indexOf("\r\n\r\n");
        head = (end < 0 ? head : head.substring(0, end + 2)).replaceAll("\r\n[ \t]+", " ");
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return Optional.of(line.substring(colon + 1).trim());
            }
        }
        return Optional.empty();
    }

    /** The client's address (after a PROXY header). */
    public InetSocketAddress client() {
        return client;
    }

    /** The name the client gave in HELO or EHLO. */
    public Optional<String> heloName() {
        return Optional.ofNullable(heloName);
    }

    /** The TLS protocol of the session ({@code TLSv1.3}), empty for plaintext. */
    public Optional<String> tlsProtocol() {
        return Optional.ofNullable(tlsProtocol);
    }

    /** The user AUTH authenticated, if any. */
    public Optional<String> authenticatedUser() {
        return Optional.ofNullable(user);
    }

    @Override
    public String toString() {
        return "ReceivedMessage[" + id + " from=<" + from + "> to=" + recipients + ", " + content.length + " octets"
                + tlsProtocol().map(t -> ", " + t).orElse("") + "]";
    }
}
