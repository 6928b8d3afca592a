package dev.berth.core.internal.admin;

/** What the admin listener asks the server it belongs to, on each request. */
public interface AdminStatus {

    /** True while every listener is bound and no stop has begun. */
    boolean ready();

    /** The {@code /info} document. */
    String info();

    /** The metrics in the format an {@code Accept} header asks for. */
    Scrape scrape(String accept);

    /** A scraped body and its content type. */
    record Scrape(String contentType, String body) {
    }
}
