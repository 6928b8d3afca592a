package dev.berth.smtp.internal;

import dev.berth.smtp.SmtpReply;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** One command line taken apart: the verb in upper case and its argument, or the reply that refuses the line. */
public final class SmtpCommand {
    public final String verb;
    public final String argument;

    private SmtpCommand(String verb, String argument) {
        this.verb = verb;
        this.argument = argument;
    }

    /** Decodes a line (CRLF already cut off): UTF-8 only, no control characters; anything else is refused with 500 5.5.2. */
    public static SmtpCommand parse(byte[] line) throws SmtpRefusal {
        for (byte b : line) {
            // NUL, ESC and friends have no place in a command and must never reach a Received: header.
            if ((b >= 0 && b < 0x20) || b == 0x7f) {
                throw malformed("Control character in the command");
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(line)).toString();
        } catch (CharacterCodingException e) {
            throw malformed("Command is not valid UTF-8");
        }
        int space = text.indexOf(' ');
        return new SmtpCommand((space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT),
                space < 0 ? "" : text.substring(space + 1));
    }

    private static SmtpRefusal malformed(String why) {
        return new SmtpRefusal(SmtpReply.of(500, "5.5.2", why));
    }
}
