package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Server;
import example.hello.HelloApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** docs/http.md shows the example application exactly as it is compiled here, and it works. */
class DocsExampleTest {

    @Test
    void theDocsShowTheExampleApplicationExactlyAsItIsCompiledHere() throws Exception {
        String docs = Files.readString(Path.of("..", "docs", "http.md"), StandardCharsets.UTF_8);
        String source = Files.readString(Path.of("src/test/java/example/hello/HelloApp.java"), StandardCharsets.UTF_8);
        assertTrue(docs.contains("```java\n" + source + "```\n"),
                "docs/http.md carries src/test/java/example/hello/HelloApp.java unchanged");
    }

    @Test
    void theExampleApplicationAnswersItsRoutes() throws Exception {
        Server server = HelloApp.start(0);
        try {
            String base = "http://127.0.0.1:" + server.localAddress("web").getPort();
            assertEquals("hi", Curl.run(base + "/hello"));
            assertEquals("user 7", Curl.run(base + "/users/7"));
            assertEquals("201 stored 5 bytes", Curl.run("-w", "%{http_code} ", "-o", "/dev/null", "-d", "hello", base + "/notes")
                    .trim() + " " + Curl.run("-d", "hello", base + "/notes"));
        } finally {
            server.stop(Duration.ofSeconds(5));
        }
    }
}
