package dev.berth.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the runnable jar the build made for a module, under the project root the pom names. */
public final class ModuleJars {
    private ModuleJars() {
    }

    /**
     * {@code server-echo} becomes {@code <root>/server-echo/target/server-echo.jar}, {@code distribution} its
     * {@code berth.jar}; a missing jar fails the test.
     */
    public static Path of(String module) {
        String root = System.getProperty("berth.root");
        if (root == null) {
            fail("the system property berth.root is not set: run the integration tests through Maven "
                    + "(mvn -B verify from the project root)");
        }
        // distribution's runnable jar, every module in one, is berth.jar
        String name = module.equals("distribution") ? "berth" : module;
        Path jar = Path.of(root, module, "target", name + ".jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            fail("no runnable jar at " + jar + ": build it first (mvn -B verify from the project root builds "
                    + module + " before integration-tests)");
        }
        return jar;
    }
}
