package dev.berth.smtp.internal;

import dev.berth.core.spi.ReadPause;
import dev.berth.smtp.SmtpConfig;
import io.netty.channel.Channel;
import java.util.EnumSet;

/**
 * Whether a session reads from its client: held off while anything holds it, and for good once the
 * last reply is out. Holding also stops the framer from handing on lines it has already decoded, so
 * that pipelined commands wait their turn behind a handler at work.
 */
final class ClientInput {
    /** This session's reason to pause reading, beside core's own (backpressure, limits). */
    private static final String READ_PAUSE = "smtp.session";

    /** What holds reading off: a handler call under way, or content the handler has not caught up with. */
    enum Hold { HANDLER, STREAM }

    private final Channel channel;
    private final SmtpConfig config;
    private final EnumSet<Hold> holds = EnumSet.noneOf(Hold.class);
    private SmtpFramer framer;

    ClientInput(Channel channel, SmtpConfig config, SmtpFramer framer) {
        this.channel = channel;
        this.config = config;
        this.framer = framer;
    }

    /** A framer with {@code config}'s line limits. */
    static SmtpFramer newFramer(SmtpConfig config) {
        return new SmtpFramer(config.maxCommandLine(), config.maxTextLine());
    }

    /** Stops reading until {@code why} is released. */
    void hold(Hold why) {
        holds.add(why);
        stop();
    }

    /** Ends {@code why}; true when nothing holds reading off any more (the caller then resumes it). */
    boolean release(Hold why) {
        holds.remove(why);
        return holds.isEmpty();
    }

    /** True while {@code why} holds reading off. */
    boolean held(Hold why) {
        return holds.contains(why);
    }

    /** Reads again. */
    void resume() {
        ReadPause.resume(channel, READ_PAUSE);
        framer.resume();
    }

    /** Reads nothing, until {@link #resume}. */
    void stop() {
        framer.suspend();
        ReadPause.pause(channel, READ_PAUSE);
    }

    /** The framer in the pipeline now. */
    SmtpFramer framer() {
        return framer;
    }

    /** A fresh framer, with nothing buffered, for the pipeline after STARTTLS. */
    SmtpFramer freshFramer() {
        framer = newFramer(config);
        return framer;
    }
}
