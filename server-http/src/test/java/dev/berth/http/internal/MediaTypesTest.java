package dev.berth.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.BerthException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mime.types format as the usual files write it, and what the table answers. */
class MediaTypesTest {
    @TempDir
    Path dir;

    private MediaTypes load(String text) throws Exception {
        return MediaTypes.load(Files.writeString(dir.resolve("mime.types"), text));
    }

    @Test
    void linesMapExtensionsCaseInsensitivelyAndCommentsAndBlankLinesAreSkipped() throws Exception {
        MediaTypes t = load("#comment\n\n  \t\nImage/X-Thing\tthing THG # trailing comment\napplication/x-trash ~ % bak\n");
        assertEquals("image/x-thing", t.forFileName("a.THING"));
        assertEquals("image/x-thing", t.forFileName("b.thg"));
        assertEquals("application/x-trash", t.forFileName("c.bak"));
        assertEquals("application/octet-stream", t.forFileName("noextension"));
        assertEquals("application/octet-stream", t.forFileName("trailing."));
    }

    @Test
    void textTypesFromTheFileGetUtf8AsBuiltInOnesAlwaysHad() throws Exception {
        MediaTypes t = load("text/x-log log\napplication/javascript js\napplication/json json\n");
        assertEquals("text/x-log; charset=utf-8", t.forFileName("a.log"));
        assertEquals("application/javascript; charset=utf-8", t.forFileName("a.js"));
        assertEquals("application/json", t.forFileName("a.json"));
        assertEquals("text/css; charset=utf-8", t.forFileName("a.css"), "the built-in table, for what the file lacks");
    }

    @Test
    void aLineThatIsNotATypeFailsNamingTheFileAndLine() throws Exception {
        BerthException e = assertThrows(BerthException.class, () -> load("text/plain txt\nhello world\n"));
        assertTrue(e.getMessage().contains(dir.resolve("mime.types") + " line 2: 'hello'"), e.getMessage());
        assertEquals("mime-types", e.setting().orElse(null));
        e = assertThrows(BerthException.class, () -> load("text/plain .txt\n"));
        assertTrue(e.getMessage().contains("line 1: '.txt' is not a file-name extension"), e.getMessage());
    }

    @Test
    void compressibleTypesIncludeTextJsonXmlAndTheirSuffixes() {
        assertTrue(MediaTypes.compressible("text/x-log; charset=utf-8"));
        assertTrue(MediaTypes.compressible("application/ld+json"));
        assertTrue(MediaTypes.compressible("application/atom+xml"));
        assertTrue(MediaTypes.compressible("application/javascript; charset=utf-8"));
        assertFalse(MediaTypes.compressible("image/png"));
        assertFalse(MediaTypes.compressible("application/gzip"));
    }
}
