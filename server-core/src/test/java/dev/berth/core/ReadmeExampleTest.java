package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.testing.LineClient;
import example.upper.UpperEchoModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The README's module example is this module's test source, byte for byte, and it works. */
class ReadmeExampleTest {

    @Test
    void theReadmeShowsTheExampleModuleExactlyAsItIsCompiledHere() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        String source = Files.readString(Path.of("src/test/java/example/upper/UpperEchoModule.java"), StandardCharsets.UTF_8);
        assertTrue(readme.contains("```java\n" + source + "```\n"),
                "README.md carries src/test/java/example/upper/UpperEchoModule.java unchanged");
    }

    @Test
    void theExampleModuleAnswersInUpperCase() throws Exception {
        try (Server server = Server.builder().module(new UpperEchoModule()).shutdownTimeout(Duration.ofSeconds(1))
                .listener(ListenerConfig.tcp("upper").host("127.0.0.1").port(0).build())
                .build().start();
             LineClient c = new LineClient(server.localAddress("upper"))) {
            assertEquals("HELLO, BERTH", c.send("hello, Berth\n").readLine());
        }
    }
}
