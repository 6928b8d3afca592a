package dev.berth.smtp.internal;

import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.tls.TlsInfo;
import dev.berth.smtp.MailTransaction;
import dev.berth.smtp.SmtpReply;
import dev.berth.smtp.internal.SmtpMeters.AuthResult;
import dev.berth.smtp.internal.SmtpMeters.Outcome;
import dev.berth.smtp.internal.SmtpMeters.StoreResult;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What one session did, as the operator sees it: each event goes to the listener's
 * {@link SmtpMeters} and to the {@link SessionLog}, and the session's command counts build its
 * disconnect line. Used on the connection's event loop only.
 */
final class SessionEvents {
    private static final int UNKNOWN = Commands.VERBS.size();

    private final String id = Ids.sessionId();
    private final ConnectionContext connection;
    private final SmtpMeters meters;
    private final int[] total = new int[UNKNOWN + 1];
    private final int[] failed = new int[UNKNOWN + 1];
    private long startNanos;
    private boolean started;
    private boolean startTlsPending;
    private int verb = -1;
    private boolean commandFailed;
    private boolean commandLogged;
    private String addressKey;
    private String address;
    private int messages;
    private int errors;
    private SmtpReply closedWith;

    SessionEvents(ConnectionContext connection, SmtpMeters meters) {
        this.connection = connection;
        this.meters = meters;
    }

    /** This session's id in the log. */
    String id() {
        return id;
    }

    /** The session begins (its greeting goes out): after the PROXY header and, on implicit TLS, the handshake. */
    void connected() {
        started = true;
        startNanos = System.nanoTime();
        meters.sessionOpened();
        if (SessionLog.enabled()) {
            InetSocketAddress client = connection.remoteAddress();
            String address = client == null ? "unknown" : client.getAddress().getHostAddress();
            SessionLog.connect(id, address, client == null ? 0 : client.getPort(), connection.listener().name(),
                    connection.proxied());
        }
        tlsEstablished();
    }

    /** The connection speaks TLS now (at once on implicit TLS, or after STARTTLS). */
    void tlsEstablished() {
        if (startTlsPending) {
            startTlsPending = false;
            meters.startTls(true);
        }
        if (SessionLog.enabled()) {
            TlsInfo.of(connection.channel()).ifPresent(t -> SessionLog.tls(id, t.protocol(), t.cipherSuite(),
                    t.sniHostName().orElse(null)));
        }
    }

    /** STARTTLS was accepted and the handshake begins; a connection lost before it ends counts as a failed upgrade. */
    void startTlsBegun() {
        startTlsPending = true;
    }

    /** A command line arrived: {@code verb} in upper case, null when the line could not be read as a command. */
    void command(String verb) {
        int i = verb == null ? UNKNOWN : Commands.VERBS.indexOf(verb);
        this.verb = i < 0 ? UNKNOWN : i;
        total[this.verb]++;
        commandFailed = false;
        commandLogged = false;
        addressKey = null;
        address = null;
    }

    /** The command in progress is MAIL or RCPT with this parsed address (key {@code from} or {@code to}). */
    void address(String key, String value) {
        addressKey = key;
        address = value;
    }

    /** A reply to the command in progress is going out; a refusal is counted and logged. */
    void replied(SmtpReply r) {
        if (r.code() < 400 || verb < 0) {
            return;
        }
        errors++;
        if (!commandFailed) {
            commandFailed = true;
            failed[verb]++;
        }
        if (!commandLogged) {
            SessionLog.refused(id, verbName(verb), r, addressKey, address);
        }
    }

    /** The server ends the session with {@code last} (221 to QUIT, or a 421). */
    void goodbye(SmtpReply last) {
        if (last.code() >= 400) {
            closedWith = last;
        }
    }

    /** An AUTH exchange ended with {@code result}; the user is null when none was claimed. */
    void auth(String mechanism, String user, AuthResult result) {
        meters.auth(mechanism, result);
        if (result != AuthResult.REFUSED) {
            commandLogged = true; // the auth line says it; no second "refused" line for its 535
            SessionLog.auth(id, user, mechanism, result.name().toLowerCase(Locale.ROOT));
        }
    }

    /**
     * A message's content was answered with {@code reply}, {@code storeNanos} after its end; a
     * negative time means the server refused the content itself and no store was attempted.
     */
    void messageAnswered(MailTransaction tx, long size, long storeNanos, SmtpReply reply) {
        if (storeNanos >= 0) {
            meters.stored(reply.isPositive() ? StoreResult.OK : StoreResult.ERROR, storeNanos);
        }
        if (reply.isPositive()) {
            messages++;
            meters.messageStored(size, tx.recipients().size());
            SessionLog.message(id, tx.id(), tx.reversePath(), tx.recipients().size(), size,
                    TimeUnit.NANOSECONDS.toMillis(storeNanos));
        }
    }

    /** The handler did not answer a message's content within the handler timeout. */
    void storeTimedOut(long storeNanos) {
        meters.stored(StoreResult.TIMEOUT, storeNanos);
    }

    /** A transaction ended: {@code answer} accepted or refused it, or it was aborted when null. */
    void transactionEnded(SmtpReply answer) {
        Outcome o = answer == null ? Outcome.ABORTED : answer.isPositive() ? Outcome.ACCEPTED : Outcome.REFUSED;
        meters.transaction(o, answer);
    }

    /** The connection is gone. */
    void disconnected() {
        if (startTlsPending) {
            startTlsPending = false;
            meters.startTls(false);
        }
        if (!started) {
            return;
        }
        started = false;
        meters.sessionClosed();
        if (SessionLog.enabled()) {
            SessionLog.disconnect(id, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), counts(),
                    sum(total), messages, errors, closedWith);
        }
    }

    /** Postfix's form: {@code ehlo=2 starttls=1 mail=1 rcpt=1/2 data=1 quit=1 commands=6/7}, failures shown as ok/all. */
    private String counts() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < total.length; i++) {
            if (total[i] > 0) {
                appendCount(b, verbName(i).toLowerCase(Locale.ROOT), total[i] - failed[i], total[i]);
            }
        }
        appendCount(b, "commands", sum(total) - sum(failed), sum(total));
        return b.toString();
    }

    private static void appendCount(StringBuilder b, String name, int ok, int all) {
        if (b.length() > 0) {
            b.append(' ');
        }
        b.append(name).append('=').append(ok);
        if (ok != all) {
            b.append('/').append(all);
        }
    }

    private static int sum(int[] counts) {
        int s = 0;
        for (int c : counts) {
            s += c;
        }
        return s;
    }

    private static String verbName(int i) {
        return i == UNKNOWN ? "unknown" : Commands.VERBS.get(i);
    }
}
