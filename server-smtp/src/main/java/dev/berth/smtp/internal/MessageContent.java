package dev.berth.smtp.internal;

import dev.berth.smtp.MailTransaction;
import dev.berth.smtp.SmtpReply;
import dev.berth.smtp.internal.SmtpFrame.LineProblem;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session while message content flows: from DATA's 354 to the final dot, or through one BDAT
 * chunk. Passes the content to the transaction's intake, holds reading off while the handler lags
 * (and gives up on a handler that stops reading), and answers the end of the content.
 */
public final class MessageContent {
    private static final Logger log = LoggerFactory.getLogger(MessageContent.class);

    private enum Kind { NONE, DATA, CHUNK }

    private final Session session;
    private Kind kind = Kind.NONE;
    private boolean lastChunk;
    private int chunks;
    private boolean answering;
    private SmtpReply chunkRefusal;
    private boolean waitingForRoom;
    private boolean stalled;
    private ScheduledFuture<?> stall;

    MessageContent(Session session) {
        this.session = session;
    }

    /** True from DATA's 354, or from BDAT, until the content's end has been seen. */
    boolean active() {
        return kind != Kind.NONE;
    }

    /** DATA was accepted (354 written): the lines up to the final dot are the message. */
    void startData() {
        kind = Kind.DATA;
        chunks = 0;
        session.input().framer().startData();
        startIntake();
        session.restartTimer();
    }

    /**
     * A BDAT chunk of {@code size} octets follows, the last one when {@code last}; a non-null
     * {@code refusal} is the answer once the chunk has been read (and dropped).
     */
    void startChunk(long size, boolean last, SmtpReply refusal) {
        lastChunk = last;
        chunkRefusal = refusal;
        if (refusal == null && session.transaction().intake() == null) {
            chunks = 0;
            startIntake();
        }
        if (refusal == null) {
            chunks++;
        }
        kind = Kind.CHUNK;
        session.input().framer().startChunk(size);
        session.restartTimer();
    }

    private void startIntake() {
        session.transaction().startIntake(session.config().maxMessageSize(),
                () -> session.loop().execute(this::streamHasRoom));
    }

    /** A piece of content: passed on, or dropped when the chunk is refused. */
    public void add(byte[] bytes) {
        MessageIntake intake = session.transaction().intake();
        if (kind == Kind.CHUNK && chunkRefusal != null || intake == null) {
            return;
        }
        if (!intake.add(bytes)) {
            waitingForRoom = true;
            session.hold(ClientInput.Hold.STREAM);
            // A handler that stops reading must not hold the session forever either.
            stall = session.loop().schedule(this::handlerStalled, session.calls().timeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void streamHasRoom() {
        if (waitingForRoom) {
            waitingForRoom = false;
            stall.cancel(false);
            session.release(ClientInput.Hold.STREAM);
        }
    }

    /** The handler read nothing for the handler timeout: the rest of the content is read and dropped, then 451. */
    private void handlerStalled() {
        if (!waitingForRoom) {
            return;
        }
        waitingForRoom = false;
        stalled = true;
        log.warn("SMTP handler for {} stopped reading the message for {}", session.connection().remoteAddress(),
                session.calls().timeout());
        session.transaction().intake().abort("handler timeout");
        session.release(ClientInput.Hold.STREAM);
    }

    /** The content ended (the final dot, or the end of a chunk); {@code problem} is a line that broke the rules, or null. */
    public void end(LineProblem problem) {
        Kind ended = kind;
        kind = Kind.NONE;
        if (stalled) {
            stalled = false;
            session.calls().abandon("handler timeout");
            session.reply(HandlerCalls.TIMED_OUT);
            return;
        }
        MessageIntake intake = session.transaction().intake();
        if (ended == Kind.CHUNK) {
            if (chunkRefusal != null) {
                session.error(chunkRefusal);
                return;
            }
            if (!lastChunk && !intake.tooBig()) {
                session.reply(SmtpReply.of(250, "2.0.0", intake.size() + " octets received"));
                return;
            }
        }
        SmtpReply refusal = refusal(problem, intake);
        MailTransaction tx = session.transaction().get();
        long size = intake.size();
        long began = System.nanoTime();
        answering = true;
        CompletableFuture<SmtpReply> handlerReply = refusal != null ? intake.abort(refusal.lines().get(0)) : intake.complete();
        session.calls().await(handlerReply, r -> {
            answering = false;
            SmtpReply answer = refusal != null ? refusal : r;
            // The store time runs from the end of the data to the answer: what the client waits for, fsync included.
            session.events().messageAnswered(tx, size, refusal != null ? -1 : System.nanoTime() - began, answer);
            session.transaction().end("message done", answer);
            if (refusal != null) {
                session.error(refusal);
            } else {
                session.reply(r);
            }
        }, () -> {
            answering = false;
            if (refusal == null) {
                session.events().storeTimedOut(System.nanoTime() - began);
            }
        });
    }

    private SmtpReply refusal(LineProblem problem, MessageIntake intake) {
        if (problem == LineProblem.BARE_CR_OR_LF) {
            return SmtpReply.of(550, "5.6.0", "Message refused: bare CR or LF in the message; lines end with CRLF");
        }
        if (problem == LineProblem.TOO_LONG) {
            return SmtpReply.of(550, "5.6.0", "Message refused: a line is longer than " + session.config().maxTextLine()
                    + " octets");
        }
        return intake.tooBig() ? MailParameters.TOO_BIG : null;
    }

    /**
     * The message under way in the protocol's words ({@code DATA from <a@b>: 1048576 bytes received},
     * {@code BDAT from <a@b>: 3 chunks, 3145728 bytes received}, or the message being stored), or null
     * when there is none.
     */
    String describe() {
        MessageIntake intake = session.transaction().intake();
        MailTransaction tx = session.transaction().get();
        if (intake == null || tx == null) {
            return null;
        }
        String from = " from <" + tx.reversePath() + ">: ";
        if (answering) {
            return "storing the message" + from + intake.size() + " bytes, waiting for the handler's answer";
        }
        if (chunks > 0) {
            return "BDAT" + from + chunks + (chunks == 1 ? " chunk, " : " chunks, ") + intake.size() + " bytes received"
                    + (kind == Kind.CHUNK ? "" : ", waiting for the next chunk");
        }
        return "DATA" + from + intake.size() + " bytes received";
    }

    /** The connection is gone: the stall clock stops. */
    void closed() {
        if (stall != null) {
            stall.cancel(false);
        }
    }
}
