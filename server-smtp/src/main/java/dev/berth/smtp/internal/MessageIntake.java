package dev.berth.smtp.internal;

import dev.berth.smtp.MailTransaction;
import dev.berth.smtp.SmtpMessageHandler;
import dev.berth.smtp.SmtpReply;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * One message's content on its way from a session to its handler: the size limit, the bounded
 * stream {@link SmtpMessageHandler#onData} reads on the blocking executor, and the reply it gives.
 */
final class MessageIntake {
    /**
     * Content held back before {@code onData} starts: a message this small reaches the handler whole,
     * so it reads without waiting on the event loop; a larger one streams from here on.
     */
    static final int START_THRESHOLD = 64 * 1024;

    private final MessageStream stream;
    private final MailTransaction tx;
    private final SmtpMessageHandler handler;
    private final HandlerCalls calls;
    private final long maxSize;
    private long size;
    private boolean tooBig;
    private CompletableFuture<SmtpReply> reply;

    /**
     * Starts {@code onData} through {@code calls} once {@link #START_THRESHOLD} octets have arrived or the
     * content ends, whichever comes first; {@code onRoom} runs on the reader's thread when a full
     * queue has drained.
     */
    MessageIntake(MailTransaction tx, SmtpMessageHandler handler, HandlerCalls calls, long maxSize, Runnable onRoom) {
        this.tx = tx;
        this.handler = handler;
        this.calls = calls;
        this.maxSize = maxSize;
        this.stream = new MessageStream(onRoom);
    }

    /**
     * Starts {@code onData}: on the event loop when the handler is {@link SmtpMessageHandler.NonBlocking} and the
     * content is all here ({@code whole}: finished or refused), so no read can wait; on the blocking executor
     * otherwise.
     */
    private void start(boolean whole) {
        if (reply != null) {
            return;
        }
        Callable<SmtpReply> work = () -> {
            try {
                return handler.onData(tx, stream);
            } finally {
                stream.readerGone();
            }
        };
        if (whole && HandlerMethods.of(handler).nonBlocking) {
            reply = calls.now(handler, "onData", work);
        }
        if (reply == null) {
            reply = calls.submit(handler, "onData", work);
        }
    }

    /** Passes content on; false when the handler lags and reading should pause until {@code onRoom}. */
    boolean add(byte[] bytes) {
        if (tooBig) {
            return true;
        }
        size += bytes.length;
        if (size > maxSize) {
            tooBig = true;
            stream.abort("larger than " + maxSize + " octets");
            start(true);
            return true;
        }
        boolean room = stream.offer(bytes);
        if (size >= START_THRESHOLD) {
            start(false);
        }
        return room;
    }

    /** Octets received so far. */
    long size() {
        return size;
    }

    /** True once the content went over the size limit: it will be refused whatever else happens. */
    boolean tooBig() {
        return tooBig;
    }

    /** The content is complete; completes with the handler's reply. */
    CompletableFuture<SmtpReply> complete() {
        stream.finish();
        start(true);
        return reply;
    }

    /** The content is refused or abandoned: the handler's next read fails and nothing may be kept. */
    CompletableFuture<SmtpReply> abort(String why) {
        stream.abort(why);
        start(true);
        return reply;
    }
}
