package example.mailjson;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.tls.TlsMode;
import dev.berth.http.HttpModule;
import dev.berth.http.HttpResponse;
import dev.berth.smtp.SmtpConfig;
import dev.berth.smtp.SmtpModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Receives mail over SMTP (STARTTLS offered) into a Maildir and answers {@code GET /api/mail} with
 * how many messages it holds, as JSON. Arguments: the SMTP port, the HTTP port and the data directory.
 */
public final class MailAndJson {
    public static void main(String[] args) throws InterruptedException {
        int smtpPort = Integer.parseInt(args[0]);
        int httpPort = Integer.parseInt(args[1]);
        Path data = Path.of(args[2]);
        Path maildir = data.resolve("maildir");

        Server server = Server.builder()
                .dataDirectory(data)
                .listener(ListenerConfig.tcp("mail").protocol("smtp").host("127.0.0.1").port(smtpPort)
                        .tlsMode(TlsMode.STARTTLS).build())
                .listener(ListenerConfig.tcp("api").protocol("http").host("127.0.0.1").port(httpPort).build())
                .module(SmtpModule.builder()
                        .config(SmtpConfig.builder().serverName("mail.example").build())
                        .maildir(maildir)
                        .build())
                .module(HttpModule.builder()
                        .blocking("GET", "/api/mail", req -> HttpResponse.json("{\"stored\":" + count(maildir) + "}"))
                        .build())
                .build()
                .start();
        server.stopOnShutdown();
        server.awaitTermination();
    }

    private static long count(Path maildir) throws IOException {
        try (Stream<Path> files = Files.list(maildir.resolve("new"))) {
            return files.count();
        }
    }
}
