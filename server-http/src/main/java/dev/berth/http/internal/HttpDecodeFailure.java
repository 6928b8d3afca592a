package dev.berth.http.internal;

/**
 * What the request decoder passes on instead of a request it refuses: the status to answer with.
 * The connection is closed after that answer, since the framing of anything after it is unknown.
 */
public final class HttpDecodeFailure {
    private final int status;
    private final String reason;

    public HttpDecodeFailure(int status, String reason) {
        this.status = status;
        this.reason = reason;
    }

    public int status() {
        return status;
    }

    /** A short reason for the error page and the log, e.g. {@code both Content-Length and Transfer-Encoding}. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return status + " " + reason;
    }
}
