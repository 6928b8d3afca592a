package example.hello;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.http.HttpModule;
import dev.berth.http.HttpResponse;

/** A small Berth application: three routes on one plaintext listener, up until SIGTERM. */
public final class HelloApp {
    public static Server start(int port) {
        return Server.builder()
                .listener(ListenerConfig.tcp("web").protocol("http").host("127.0.0.1").port(port).build())
                .module(HttpModule.builder()
                        .get("/hello", req -> HttpResponse.text("hi"))
                        .get("/users/{id}", req -> HttpResponse.text("user " + req.pathParameter("id")))
                        .blocking("POST", "/notes", req -> HttpResponse.text("stored " + req.body().length + " bytes").status(201))
                        .build())
                .build().start();
    }

    public static void main(String[] args) throws InterruptedException {
        Server server = start(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        server.stopOnShutdown();      // SIGTERM or Ctrl-C: stop accepting, finish work in flight, close
        server.awaitTermination();    // Berth's threads are daemons: main stays here until the server stops
    }
}
