package dev.berth.smtp;

import java.util.function.BiConsumer;

/** What tests of the {@code internal} session classes need from this package and cannot reach themselves. */
public final class TestAccess {
    /** How the session adds an accepted recipient to its transaction (kept out of MailTransaction's public API). */
    public static final BiConsumer<MailTransaction, String> ADD_RECIPIENT = MailTransaction::addRecipient;

    private TestAccess() {
    }
}
