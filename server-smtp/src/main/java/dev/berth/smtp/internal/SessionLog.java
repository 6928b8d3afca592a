package dev.berth.smtp.internal;

import dev.berth.smtp.SmtpReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The operator's SMTP log: one INFO line per session event on the logger {@value #LOGGER}, each
 * starting with the session id and the event, its fields also given as SLF4J key-value pairs so a
 * JSON encoder gets them as keys. Never a password, a base64 AUTH response or a command argument
 * other than a MAIL or RCPT address; text the client chose has its control characters replaced.
 */
final class SessionLog {
    /** The logger's name: turn it to WARN to silence the session lines alone. */
    static final String LOGGER = "dev.berth.smtp.session";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private SessionLog() {
    }

    static boolean enabled() {
        return log.isInfoEnabled();
    }

    private static LoggingEventBuilder event(String session, String event) {
        return log.atInfo().addKeyValue("session", session).addKeyValue("event", event);
    }

    static void connect(String session, String address, int port, String listener, boolean proxied) {
        event(session, "connect").addKeyValue("client", address).addKeyValue("client_port", port)
                .addKeyValue("listener", listener).addKeyValue("proxied", proxied)
                .log("{} connect from [{}]:{} listener={}{}", session, address, port, listener,
                        proxied ? " (PROXY)" : "");
    }

    static void tls(String session, String version, String cipher, String sni) {
        event(session, "tls").addKeyValue("tls_version", version).addKeyValue("tls_cipher", cipher)
                .addKeyValue("sni", sni)
                .log("{} tls version={} cipher={} sni={}", session, version, cipher, sni == null ? "-" : clean(sni));
    }

    static void auth(String session, String user, String mechanism, String result) {
        String u = user == null ? null : clean(user);
        event(session, "auth").addKeyValue("user", u).addKeyValue("mechanism", mechanism).addKeyValue("result", result)
                .log("{} auth user={} mechanism={} result={}", session, u == null ? "-" : u, mechanism, result);
    }

    static void message(String session, String queueId, String from, int recipients, long size, long storeMillis) {
        String f = clean(from);
        event(session, "message").addKeyValue("queue_id", queueId).addKeyValue("from", f)
                .addKeyValue("recipients", recipients).addKeyValue("size", size).addKeyValue("store_ms", storeMillis)
                .log("{} {} accepted from=<{}> recipients={} size={} store_ms={}", session, queueId, f, recipients,
                        size, storeMillis);
    }

    /** A refused command: {@code verb} only ("unknown" for an unknown one), with the address for MAIL and RCPT. */
    static void refused(String session, String verb, SmtpReply reply, String addressKey, String address) {
        String enhanced = reply.enhancedCode() == null ? "-" : reply.enhancedCode();
        LoggingEventBuilder b = event(session, "refused").addKeyValue("command", verb)
                .addKeyValue("code", reply.code()).addKeyValue("enhanced", reply.enhancedCode());
        if (address == null) {
            b.log("{} refused {} {} {}", session, verb, reply.code(), enhanced);
        } else {
            String a = clean(address);
            b.addKeyValue(addressKey, a).log("{} refused {} {} {} {}=<{}>", session, verb, reply.code(), enhanced,
                    addressKey, a);
        }
    }

    /** The end of a session; {@code closedWith} is the 421 the server ended it with, or null. */
    static void disconnect(String session, long millis, String commandCounts, int commands, int messages, int errors,
                           SmtpReply closedWith) {
        String closed = closedWith == null ? "" : " closed=" + closedWith.code() + " " + closedWith.enhancedCode();
        event(session, "disconnect").addKeyValue("duration_ms", millis).addKeyValue("commands", commands)
                .addKeyValue("command_counts", commandCounts).addKeyValue("messages", messages)
                .addKeyValue("errors", errors)
                .addKeyValue("closed_with", closedWith == null ? null : closedWith.code() + " " + closedWith.enhancedCode())
                .log("{} disconnect duration={}.{}s {} messages={} errors={}{}", session, millis / 1000,
                        String.format("%03d", millis % 1000), commandCounts, messages, errors, closed);
    }

    private static String clean(String s) {
        return ClientText.printable(s);
    }
}
