package dev.berth.smtp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Angus Mail (Jakarta Mail) as the client: BDAT chunks and SMTPUTF8 addresses, over STARTTLS. */
class AngusMailTest {
    static {
        // Jakarta Mail reads this once, when its address classes load: UTF-8 addresses need it.
        System.setProperty("mail.mime.allowutf8", "true");
    }

    @TempDir
    static Path maildir;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(maildir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Session session(ByteArrayOutputStream log, int chunkSize) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", Integer.toString(server.address().getPort()));
        p.put("mail.smtp.localhost", "angus.example");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.trust", "*");
        p.put("mail.smtp.ssl.checkserveridentity", "false");
        p.put("mail.mime.allowutf8", "true");
        if (chunkSize > 0) {
            p.put("mail.smtp.chunksize", Integer.toString(chunkSize));
        }
        Session s = Session.getInstance(p);
        s.setDebug(true);
        s.setDebugOut(new PrintStream(log, true, StandardCharsets.UTF_8));
        return s;
    }

    private static String stored(String marker) throws IOException {
        for (Path p : server.delivered()) {
            String s = Files.readString(p, StandardCharsets.UTF_8);
            if (s.contains(marker)) {
                return s;
            }
        }
        throw new AssertionError("no stored message contains " + marker);
    }

    @Test
    void aMessageSentInBdatChunksIsStoredWhole() throws Exception {
        String marker = UUID.randomUUID().toString();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Session session = session(log, 1024);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("angus@example.org"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("rcpt@example.com"));
        m.setSubject(marker);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            text.append("line ").append(i).append(" of a chunked message\n");
        }
        // No line starts with "." here: Angus dot-stuffs BDAT content too (eclipse-ee4j/angus-mail#209),
        // and this server rightly stores BDAT octets as sent; SmtpProtocolTest covers dots in BDAT.
        text.append("the end\n");
        m.setText(text.toString());
        Transport.send(m);
        String dialogue = log.toString(StandardCharsets.UTF_8);
        assertTrue(dialogue.contains("BDAT 1024"), dialogue);
        assertTrue(dialogue.contains(" LAST"), dialogue);
        String s = stored(marker);
        assertTrue(s.contains("SMTPS id "), s); // ESMTPS, or UTF8SMTPS: with allowutf8 Angus always asks for SMTPUTF8
        assertTrue(s.contains("line 0 of a chunked message\r\n") && s.contains("line 199 of a chunked message\r\nthe end\r\n"), s);
    }

    @Test
    void utf8AddressesAreSentWithSmtpUtf8() throws Exception {
        String marker = UUID.randomUUID().toString();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Session session = session(log, 0);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("jösé@exämple.org"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("用户@例子.广告"));
        m.setSubject(marker + " Grüße", "UTF-8");
        m.setText("Grüße aus Angus\n", "UTF-8");
        Transport.send(m);
        String dialogue = log.toString(StandardCharsets.UTF_8);
        assertTrue(dialogue.contains("SMTPUTF8"), dialogue);
        String s = stored(marker);
        assertTrue(s.startsWith("Return-Path: <jösé@exämple.org>\r\n"), s);
        assertTrue(s.contains(" with UTF8SMTPS id ") && s.contains("for <用户@例子.广告>;"), s);
    }
}
