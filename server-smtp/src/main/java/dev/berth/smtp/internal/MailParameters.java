package dev.berth.smtp.internal;

import dev.berth.smtp.MailTransaction;
import dev.berth.smtp.SmtpReply;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** The parameters of one MAIL command (SIZE, BODY, SMTPUTF8, AUTH), checked against RFCs 1870, 6152, 6531 and 4954. */
public final class MailParameters {
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    static final SmtpReply TOO_BIG = SmtpReply.of(552, "5.3.4", "Message size exceeds fixed maximum message size");

    public final OptionalLong size;
    public final MailTransaction.BodyType body;
    public final boolean smtpUtf8;

    private MailParameters(OptionalLong size, MailTransaction.BodyType body, boolean smtpUtf8) {
        this.size = size;
        this.body = body;
        this.smtpUtf8 = smtpUtf8;
    }

    /** Checks {@code parameters} (upper-case keywords, "" for no value) against a size limit. */
    public static MailParameters parse(Map<String, String> parameters, long maxMessageSize) throws SmtpRefusal {
        OptionalLong size = OptionalLong.empty();
        MailTransaction.BodyType body = MailTransaction.BodyType.SEVEN_BIT;
        boolean utf8 = false;
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            String v = p.getValue();
            switch (p.getKey()) {
                case "SIZE":
                    if (!DIGITS.matcher(v).matches()) {
                        throw new SmtpRefusal(SmtpReply.of(501, "5.5.4", "Syntax: SIZE=octets"));
                    }
                    // More digits than a long holds is still a size, just one far over any limit (RFC 1870 6.1).
                    size = OptionalLong.of(v.length() > 18 ? Long.MAX_VALUE : Long.parseLong(v));
                    if (size.getAsLong() > maxMessageSize) {
                        throw new SmtpRefusal(TOO_BIG);
                    }
                    break;
                case "BODY":
                    if (v.equalsIgnoreCase("7BIT")) {
                        body = MailTransaction.BodyType.SEVEN_BIT;
                    } else if (v.equalsIgnoreCase("8BITMIME")) {
                        body = MailTransaction.BodyType.EIGHT_BIT_MIME;
                    } else {
                        throw new SmtpRefusal(SmtpReply.of(501, "5.5.4", "Syntax: BODY=7BIT or BODY=8BITMIME"));
                    }
                    break;
                case "SMTPUTF8":
                    if (!v.isEmpty()) {
                        throw new SmtpRefusal(SmtpReply.of(501, "5.5.4", "SMTPUTF8 takes no value"));
                    }
                    utf8 = true;
                    break;
                case "AUTH":
                    break; // RFC 4954 5: we do not relay, so the original submitter is of no use here
                default:
                    throw new SmtpRefusal(SmtpReply.of(555, "5.5.4", "MAIL parameter " + p.getKey() + " not recognized"));
            }
        }
        return new MailParameters(size, body, utf8);
    }
}
