package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.launcher.Launcher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Static files take their content types from a mime.types file (--mime-types, else /etc/mime.types), the built-in table the rest. */
class MimeTypesTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    @TempDir
    Path dir;

    private Launcher.Launch launch(String... args) {
        return Launcher.launch(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path root() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        for (String name : new String[] {"a.berthtest", "notes.md", "p.png", "x.zzz", "UPPER.BERTHTEST"}) {
            Files.writeString(root.resolve(name), "x");
        }
        return root;
    }

    private static String contentType(String url) throws Exception {
        for (String line : Curl.run("-k", "-I", url).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-type:")) {
                return line.substring("content-type:".length()).trim();
            }
        }
        throw new AssertionError("no Content-Type from " + url);
    }

    @Test
    void aMimeTypesFileNamesTheTypesAndTheBuiltInTableAnswersForTheRest() throws Exception {
        Path types = Files.writeString(dir.resolve("mime.types"), String.join("\n",
                "# test types",
                "application/x-berth-test   berthtest bt",
                "",
                "text/x-notes md   # overrides the built-in text/markdown",
                "application/x-second       berthtest",
                "application/no-extensions"));
        Launcher.Launch l = launch("--protocols", "http", "--host", "127.0.0.1", "--https-port", "0", "--http-port", "0",
                "--data-dir", TestServer.DATA.toString(), "--root", root().toString(), "--mime-types", types.toString());
        assertTrue(l.server != null, err.toString(StandardCharsets.UTF_8));
        try {
            String base = "https://127.0.0.1:" + l.server.localAddress("https").getPort();
            assertEquals("application/x-berth-test", contentType(base + "/a.berthtest"), "the first line naming it wins");
            assertEquals("application/x-berth-test", contentType(base + "/UPPER.BERTHTEST"));
            assertEquals("text/x-notes; charset=utf-8", contentType(base + "/notes.md"), "text keeps its charset");
            assertEquals("image/png", contentType(base + "/p.png"), "from the built-in table");
            assertEquals("application/octet-stream", contentType(base + "/x.zzz"));
        } finally {
            l.server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aBadLineFailsAtStartNamingTheFileAndTheLine() throws Exception {
        Path types = Files.writeString(dir.resolve("bad.types"), "text/plain txt\n# fine\nnot-a-type foo\n");
        Launcher.Launch l = launch("--protocols", "http", "--https-port", "0", "--http-port", "0",
                "--mime-types", types.toString());
        assertNull(l.server);
        assertEquals(Launcher.EXIT_CONFIG, l.exitCode);
        assertEquals("berth: mime types: " + types + " line 3: 'not-a-type' is not a media type (type/subtype, then the"
                + " extensions) (--mime-types)\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aMissingFileFailsAtStartNamingTheFlag() {
        Launcher.Launch l = launch("--protocols", "http", "--https-port", "0", "--http-port", "0",
                "--mime-types", dir.resolve("absent.types").toString());
        assertNull(l.server);
        assertEquals(Launcher.EXIT_CONFIG, l.exitCode);
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("berth: mime types: cannot read " + dir.resolve("absent.types")) && e.endsWith("(--mime-types)\n"), e);
    }

    @Test
    void withoutTheFlagTheSystemsMimeTypesFileIsUsed() throws Exception {
        Path system = Path.of("/etc/mime.types");
        assumeTrue(Files.isReadable(system), "no /etc/mime.types here (Debian package media-types)");
        // the system's own word for .ico (Debian: image/vnd.microsoft.icon; the built-in table says image/x-icon)
        Optional<String> ico = Files.readAllLines(system).stream().filter(line -> !line.startsWith("#"))
                .filter(line -> line.matches("\\S+\\s+(.*\\s)?ico(\\s.*)?")).map(line -> line.split("\\s+")[0]).findFirst();
        assumeTrue(ico.isPresent(), "/etc/mime.types names no type for .ico");
        Files.writeString(dir.resolve("favicon.ico"), "x");
        try (TestServer server = TestServer.start(HttpModule.builder().redirectToHttps(false)
                .staticFiles(StaticFiles.from(dir)))) {
            assertEquals(ico.get(), contentType(server.http("/favicon.ico")));
        }
    }
}
