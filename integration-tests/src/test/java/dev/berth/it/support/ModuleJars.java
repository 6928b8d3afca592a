package dev.berth.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the runnable jar the build made for a module, under the project root the pom names. */
public final class ModuleJars {
    private ModuleJars() {
    }

    /** The distribution's runnable jar, {@code <root>/distribution/target/berth.jar}, with every module. */
    public static Path distribution() {
        return existing(root().resolve("distribution/target/berth.jar"), "distribution");
    }

    /** A file of the project, by its path from the root (e.g. {@code distribution/systemd/berth.service}). */
    public static Path projectFile(String relative) {
        Path p = root().resolve(relative);
        if (!Files.isRegularFile(p)) {
            fail("no file " + relative + " in the project at " + root());
        }
        return p;
    }

    /** {@code server-echo} becomes {@code <root>/server-echo/target/server-echo.jar}; a missing jar fails the test. */
    public static Path of(String module) {
        // distribution's runnable jar, every module in one, is berth.jar
        String name = module.equals("distribution") ? "berth" : module;
        return existing(root().resolve(Path.of(module, "target", name + ".jar")), module);
    }

    private static Path root() {
        String root = System.getProperty("berth.root");
        if (root == null) {
            fail("the system property berth.root is not set: run the integration tests through Maven "
                    + "(mvn -B verify from the project root)");
        }
        return Path.of(root).toAbsolutePath().normalize();
    }

    private static Path existing(Path jar, String module) {
        if (!Files.isRegularFile(jar)) {
            fail("no runnable jar at " + jar + ": build it first (mvn -B verify from the project root builds "
                    + module + " before integration-tests)");
        }
        return jar;
    }
}
