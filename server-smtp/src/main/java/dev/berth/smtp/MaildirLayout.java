package dev.berth.smtp;

/** Where {@link MaildirStore} puts a message. */
public enum MaildirLayout {
    /** One Maildir for everything: {@code <root>/new/...}. */
    SHARED,
    /** One Maildir per recipient: {@code <root>/<recipient>/new/...}; a message for three recipients is stored three times. */
    PER_RECIPIENT
}
