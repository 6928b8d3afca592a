package dev.berth.smtp.internal;

import dev.berth.smtp.MailTransaction;
import dev.berth.smtp.SmtpMessageHandler;
import dev.berth.smtp.SmtpReply;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One message's content on its way from a session to its handler: the size limit, the bounded
 * stream {@link SmtpMessageHandler#onData} reads on the blocking executor, and the reply it gives.
 */
public final class MessageIntake {
    private static final Logger log = LoggerFactory.getLogger(MessageIntake.class);

    /**
     * Content held back before {@code onData} starts: a message this small reaches the handler whole,
     * so it reads without waiting on the event loop; a larger one streams from here on.
     */
    public static final int START_THRESHOLD = 64 * 1024;

    private final MessageStream stream;
    private final CompletableFuture<SmtpReply> reply = new CompletableFuture<>();
    private final MailTransaction tx;
    private final SmtpMessageHandler handler;
    private final Executor serial;
    private final long maxSize;
    private long size;
    private boolean tooBig;
    private boolean started;

    /**
     * Starts {@code onData} on {@code serial} once {@link #START_THRESHOLD} octets have arrived or the
     * content ends, whichever comes first; {@code onRoom} runs on the reader's thread when a full
     * queue has drained.
     */
    public MessageIntake(MailTransaction tx, SmtpMessageHandler handler, Executor serial, long maxSize, Runnable onRoom) {
        this.tx = tx;
        this.handler = handler;
        this.serial = serial;
        this.maxSize = maxSize;
        this.stream = new MessageStream(onRoom);
    }

    private void start() {
        if (started) {
            return;
        }
        started = true;
        serial.execute(() -> {
            SmtpReply r;
            try {
                r = handler.onData(tx, stream);
                if (r == null) {
                    r = SmtpReply.MESSAGE_ACCEPTED;
                }
            } catch (Throwable e) {
                log.debug("message handler failed on {}: {}", tx.id(), e.toString());
                r = SmtpReply.LOCAL_ERROR;
            } finally {
                stream.readerGone();
            }
            reply.complete(r);
        });
    }

    /** Passes content on; false when the handler lags and reading should pause until {@code onRoom}. */
    public boolean add(byte[] bytes) {
        if (tooBig) {
            return true;
        }
        size += bytes.length;
        if (size > maxSize) {
            tooBig = true;
            stream.abort("larger than " + maxSize + " octets");
            start();
            return true;
        }
        boolean room = stream.offer(bytes);
        if (size >= START_THRESHOLD) {
            start();
        }
        return room;
    }

    /** Octets received so far. */
    public long size() {
        return size;
    }

    /** True once the content went over the size limit: it will be refused whatever else happens. */
    public boolean tooBig() {
        return tooBig;
    }

    /** The content is complete; completes with the handler's reply. */
    public CompletableFuture<SmtpReply> complete() {
        stream.finish();
        start();
        return reply;
    }

    /** The content is refused or abandoned: the handler's next read fails and nothing may be kept. */
    public CompletableFuture<SmtpReply> abort(String why) {
        stream.abort(why);
        start();
        return reply;
    }
}
