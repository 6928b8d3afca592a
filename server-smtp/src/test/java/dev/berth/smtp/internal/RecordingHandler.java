package dev.berth.smtp.internal;

import dev.berth.smtp.MailTransaction;
import dev.berth.smtp.SmtpMessageHandler;
import dev.berth.smtp.SmtpReply;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Implements every method, so that each is a call off the event loop, and writes each call down.
 * Refuses senders that start with "refused" and recipients that start with "nobody".
 */
final class RecordingHandler implements SmtpMessageHandler {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public SmtpReply onMailFrom(MailTransaction tx) {
        calls.add("mail " + tx.reversePath());
        return tx.reversePath().startsWith("refused") ? SmtpReply.of(550, "5.7.1", "No thanks") : SmtpReply.SENDER_OK;
    }

    @Override
    public SmtpReply onRcptTo(MailTransaction tx, String recipient) {
        calls.add("rcpt " + recipient + " after " + tx.recipients());
        return recipient.startsWith("nobody") ? SmtpReply.of(550, "5.1.1", "No such user here") : SmtpReply.RECIPIENT_OK;
    }

    @Override
    public SmtpReply onData(MailTransaction tx, InputStream content) throws IOException {
        calls.add("data " + content.readAllBytes().length + " octets");
        return SmtpReply.MESSAGE_ACCEPTED;
    }

    @Override
    public void onDone() {
        calls.add("done");
    }
}
