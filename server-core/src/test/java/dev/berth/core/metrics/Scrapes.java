package dev.berth.core.metrics;

import dev.berth.core.AdminConfig;
import dev.berth.core.Server;
import dev.berth.core.testing.Curl;
import dev.berth.core.testing.PrometheusText;

/** Reads a server's meters the way Prometheus does: GET /metrics on its admin listener. */
final class Scrapes {
    private Scrapes() {
    }

    static PrometheusText scrape(Server server) {
        Curl.Response r = Curl.run("http://127.0.0.1:" + server.localAddress(AdminConfig.NAME).getPort() + "/metrics");
        if (r.status() != 200) {
            throw new AssertionError("GET /metrics answered " + r.status() + ": " + r.error());
        }
        return PrometheusText.parse(r.body());
    }

    /**
     * Scrapes until the sum of the matching samples is {@code expected}, for meters that follow an event the
     * client cannot wait for (a close the server sees after the client's); a bounded wait, then the last value.
     */
    static double awaitSum(Server server, double expected, String name, String... labels) throws InterruptedException {
        double v = scrape(server).sum(name, labels);
        for (int i = 0; i < 200 && v != expected; i++) {
            Thread.sleep(50);
            v = scrape(server).sum(name, labels);
        }
        return v;
    }
}
