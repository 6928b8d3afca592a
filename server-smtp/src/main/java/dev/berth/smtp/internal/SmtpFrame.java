package dev.berth.smtp.internal;

/** What {@link SmtpFramer} hands to the session: command lines, message content and ends, line errors. */
public interface SmtpFrame {

    /** A command line without its CRLF. */
    record CommandLine(byte[] bytes) implements SmtpFrame {
    }

    /** A command line that broke the line discipline; the bytes are gone. */
    record BadLine(LineProblem problem) implements SmtpFrame {
    }

    /** Message content: one DATA line (CRLF included, dot-stuffing undone) or a piece of a BDAT chunk. */
    record Content(byte[] bytes) implements SmtpFrame {
    }

    /** The end of DATA (CRLF.CRLF seen) or of a BDAT chunk; {@code problem} is null when every line was sound. */
    record ContentEnd(LineProblem problem) implements SmtpFrame {
    }

    /** Why a line broke the rules. */
    enum LineProblem {
        /** A CR not followed by LF, or an LF not preceded by CR. */
        BARE_CR_OR_LF,
        /** Longer than the limit for its kind of line. */
        TOO_LONG,
        /** Not valid UTF-8 where text was expected. */
        NOT_UTF8
    }
}
