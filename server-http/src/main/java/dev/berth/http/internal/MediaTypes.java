package dev.berth.http.internal;

import dev.berth.core.BerthException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Content types by file-name extension, and which of them are worth compressing: a {@code mime.types}
 * file's table (the system's {@code /etc/mime.types} unless another is named) over the built-in table,
 * which answers for extensions the file lacks. Text types are sent with {@code charset=utf-8}, as the
 * built-in table always did. Immutable.
 */
public final class MediaTypes {
    /** The file read when none is named, if it exists (Debian's {@code media-types} package, and most Unixes). */
    public static final Path SYSTEM_FILE = Path.of("/etc/mime.types");
    private static final String DEFAULT = "application/octet-stream";
    private static final String UTF8 = "; charset=utf-8";
    /** RFC 6838's restricted-name characters on either side of the slash. */
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*");
    private static final Map<String, String> BUILT_IN = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("md", "text/markdown; charset=utf-8"),
            Map.entry("csv", "text/csv; charset=utf-8"),
            Map.entry("xml", "application/xml"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("pdf", "application/pdf"),
            Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"),
            Map.entry("tar", "application/x-tar"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("ogg", "audio/ogg"),
            Map.entry("wav", "audio/wav"));
    private static final MediaTypes BUILT_IN_ONLY = new MediaTypes(Map.of(), "the built-in table");
    private static volatile MediaTypes systemDefault;

    /** Types read from a file, by lower-case extension; the built-in table is asked for the rest. */
    private final Map<String, String> fromFile;
    private final String source;

    private MediaTypes(Map<String, String> fromFile, String source) {
        this.fromFile = fromFile;
        this.source = source;
    }

    /** Only the built-in table. */
    public static MediaTypes builtIn() {
        return BUILT_IN_ONLY;
    }

    /**
     * The system's {@code /etc/mime.types} over the built-in table when that file exists, else the built-in
     * table alone; read once per process.
     */
    public static MediaTypes systemDefault() {
        MediaTypes d = systemDefault;
        if (d == null) {
            d = Files.isReadable(SYSTEM_FILE) ? load(SYSTEM_FILE) : BUILT_IN_ONLY;
            systemDefault = d;
        }
        return d;
    }

    /**
     * Reads a {@code mime.types} file: one {@code type/subtype ext1 ext2 ...} per line, {@code #} comments,
     * the first line naming an extension wins. Fails with the file and line when a line is not of that form.
     */
    public static MediaTypes load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BerthException("mime types: cannot read " + file + ": " + e.getMessage(), "mime-types");
        }
        Map<String, String> types = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String[] tokens = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
            if (tokens[0].isEmpty()) {
                continue;
            }
            if (!TYPE.matcher(tokens[0]).matches()) {
                throw new BerthException("mime types: " + file + " line " + (i + 1) + ": '" + tokens[0]
                        + "' is not a media type (type/subtype, then the extensions)", "mime-types");
            }
            String type = withCharset(tokens[0].toLowerCase(Locale.ROOT));
            for (int t = 1; t < tokens.length; t++) {
                String ext = tokens[t];
                if (ext.indexOf('/') >= 0 || ext.startsWith(".")) {
                    throw new BerthException("mime types: " + file + " line " + (i + 1) + ": '" + ext
                            + "' is not a file-name extension (no dot, no slash)", "mime-types");
                }
                types.putIfAbsent(ext.toLowerCase(Locale.ROOT), type);
            }
        }
        return new MediaTypes(Map.copyOf(types), file.toString());
    }

    /** Text is sent as UTF-8 unless the type says otherwise, as the built-in table always has. */
    private static String withCharset(String type) {
        return type.startsWith("text/") || type.equals("application/javascript") ? type + UTF8 : type;
    }

    /** The content type for a file name, {@code application/octet-stream} when the extension is unknown. */
    public String forFileName(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0 || dot == name.length() - 1) {
            return DEFAULT;
        }
        String ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
        String type = fromFile.get(ext);
        return type != null ? type : BUILT_IN.getOrDefault(ext, DEFAULT);
    }

    /** Where the table came from (a file's path, or the built-in table), for messages. */
    public String source() {
        return source;
    }

    /** True for text-like types that gzip shrinks; images, fonts and archives are already compressed. */
    public static boolean compressible(String contentType) {
        String t = contentType.toLowerCase(Locale.ROOT);
        int semi = t.indexOf(';');
        String bare = semi < 0 ? t : t.substring(0, semi).trim();
        return t.startsWith("text/") || bare.equals("application/json") || bare.equals("application/xml")
                || bare.equals("image/svg+xml") || bare.equals("application/wasm") || bare.equals("application/javascript")
                || bare.endsWith("+json") || bare.endsWith("+xml");
    }
}
