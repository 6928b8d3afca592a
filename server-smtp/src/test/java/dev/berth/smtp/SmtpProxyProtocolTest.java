package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.berth.core.Cidr;
import dev.berth.core.ListenerConfig;
import dev.berth.core.ProxyProtocol;
import dev.berth.core.ProxyProtocolConfig;
import dev.berth.core.testing.BerthServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behind a proxy, the session (and so the trace header and the session log) names the client from the PROXY header. */
class SmtpProxyProtocolTest {
    @TempDir
    Path maildir;

    @Test
    void theReceivedHeaderNamesTheClientAddressFromTheProxyHeader() throws Exception {
        MaildirStore store = new MaildirStore(maildir, MaildirLayout.SHARED);
        BerthServerExtension server = BerthServerExtension.newBuilder()
                .module(new SmtpModule(SmtpConfig.builder().serverName("mx.test").build(), store))
                .listener(ListenerConfig.tcp("smtp")
                        .proxyProtocol(ProxyProtocolConfig.of(ProxyProtocol.ON, List.of(Cidr.parse("127.0.0.0/8"))))
                        .build())
                .build();
        server.start();
        ILoggingEvent connect;
        try (LogCapture log = new LogCapture("dev.berth.smtp.session");
             SmtpTestClient c = new SmtpTestClient(server.address("smtp"))) {
            c.send("PROXY TCP4 198.51.100.23 192.0.2.1 51000 25\r\n");
            assertTrue(c.reply().startsWith("220 mx.test"));
            c.command("EHLO client.example");
            c.beginData("a@example.org", "b@example.com");
            assertTrue(c.command("Subject: proxied\r\n\r\nhi\r\n.").startsWith("250 "));
            connect = log.await(e -> e.getFormattedMessage().contains(" connect from "));
        } finally {
            server.stop();
        }
        Path stored;
        try (var files = Files.list(maildir.resolve("new"))) {
            stored = files.findFirst().orElseThrow();
        }
        assertTrue(Files.readString(stored).contains("Received: from client.example ([198.51.100.23])"));
        assertTrue(connect.getFormattedMessage().endsWith(" connect from [198.51.100.23]:51000 listener=smtp (PROXY)"),
                connect.getFormattedMessage());
    }
}
