package dev.berth.it.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules of docs/design (and of the shared design page) held by the build: which module may use
 * which, what {@code internal} means, where the command line lives, and one module per package.
 */
class HouseRulesTest {
    /**
     * Each module's packages: its API packages, and its {@code internal} package (listed last), under which
     * subpackages such as {@code dev.berth.core.internal.tls} may group implementation by concern.
     */
    private static final Map<String, List<String>> MODULES = Map.of(
            "server-core", List.of("dev.berth.core", "dev.berth.core.spi", "dev.berth.core.tls",
                    "dev.berth.core.launch", "dev.berth.core.internal"),
            "berth-launcher", List.of("dev.berth.launcher"),
            "server-echo", List.of("dev.berth.echo", "dev.berth.echo.internal"),
            "server-http", List.of("dev.berth.http", "dev.berth.http.internal"),
            "server-smtp", List.of("dev.berth.smtp", "dev.berth.smtp.internal"),
            "server-smtp-kafka", List.of("dev.berth.smtp.kafka"));

    private static JavaClasses berth;

    @BeforeAll
    static void importClasses() {
        // Main classes only: neither test-classes directories nor the modules' test-jars (the test kit's sources).
        ImportOption mainOnly = location -> !location.contains("/test-classes/") && !location.contains("-tests.jar");
        berth = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(mainOnly)
                .importPackages("dev.berth.core", "dev.berth.launcher", "dev.berth.echo", "dev.berth.http",
                        "dev.berth.smtp");
        assertTrue(berth.size() > 100, "the modules' classes are on the class path: " + berth.size());
    }

    @Test
    void protocolModulesDependOnCoreOnlyNeverOnEachOtherNorOnTheLauncher() {
        for (String module : List.of("echo", "http", "smtp")) {
            List<String> others = new ArrayList<>(List.of("dev.berth.echo..", "dev.berth.http..", "dev.berth.smtp..",
                    "dev.berth.launcher.."));
            others.remove("dev.berth." + module + "..");
            noClasses().that().resideInAPackage("dev.berth." + module + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(others.toArray(String[]::new))
                    .because("protocol modules depend on server-core only")
                    .check(berth);
        }
        noClasses().that().resideInAPackage("dev.berth.core..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.berth.echo..", "dev.berth.http..",
                        "dev.berth.smtp..", "dev.berth.launcher..")
                .check(berth);
    }

    @Test
    void theRuntimeApiKnowsNoCommandLineAndNoLoggingBackend() {
        noClasses().that().resideInAnyPackage("dev.berth.core", "dev.berth.core.spi", "dev.berth.core.tls",
                        "dev.berth.core.internal..")
                .should().dependOnClassesThat().resideInAPackage("dev.berth.core.launch..")
                .because("Server, ListenerConfig, TlsConfig and the SPIs carry no CLI types")
                .check(berth);
        noClasses().that().resideOutsideOfPackage("dev.berth.launcher..")
                .should().dependOnClassesThat().resideInAnyPackage("picocli..", "ch.qos.logback..")
                .because("library modules depend on slf4j-api; picocli and logback belong to the launcher")
                .check(berth);
    }

    @Test
    void internalPackagesAreNotUsedAcrossModules() {
        for (String module : List.of("core", "echo", "http", "smtp")) {
            noClasses().that().resideOutsideOfPackage("dev.berth." + module + "..")
                    .should().dependOnClassesThat().resideInAPackage("dev.berth." + module + ".internal..")
                    .because("an internal package is not API")
                    .check(berth);
        }
    }

    @Test
    void noPublicApiSignatureExposesAnInternalType() {
        DescribedPredicate<JavaClass> api = DescribedPredicate.describe("public API classes",
                c -> c.getModifiers().contains(JavaModifier.PUBLIC) && !c.getPackageName().contains(".internal"));
        classes().that(api).should(new ArchCondition<>("expose no internal type in a public or protected member") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                for (JavaCodeUnit m : c.getCodeUnits()) {
                    if (!isExposed(m.getModifiers())) {
                        continue;
                    }
                    Set<JavaClass> types = new TreeSet<>((a, b) -> a.getName().compareTo(b.getName()));
                    types.add(m.getRawReturnType());
                    types.addAll(m.getRawParameterTypes());
                    types.addAll(m.getThrowsClause().getTypes());
                    for (JavaClass t : types) {
                        if (t.getPackageName().contains(".internal")) {
                            events.add(SimpleConditionEvent.violated(m, m.getFullName() + " exposes " + t.getName()));
                        }
                    }
                }
                for (JavaField f : c.getFields()) {
                    if (isExposed(f.getModifiers()) && f.getRawType().getPackageName().contains(".internal")) {
                        events.add(SimpleConditionEvent.violated(f, f.getFullName() + " exposes " + f.getRawType().getName()));
                    }
                }
                JavaClass superclass = c.getRawSuperclass().orElse(null);
                if (superclass != null && superclass.getPackageName().contains(".internal")) {
                    events.add(SimpleConditionEvent.violated(c, c.getName() + " extends " + superclass.getName()));
                }
            }
        }).check(berth);
    }

    @Test
    void everyPackageIsAnApiPackageOrItsModulesInternalPackage() {
        Set<String> allowed = MODULES.values().stream().flatMap(List::stream).collect(Collectors.toSet());
        Set<String> found = berth.stream().map(JavaClass::getPackageName).collect(Collectors.toCollection(TreeSet::new));
        found.removeAll(allowed);
        found.removeIf(p -> moduleOfInternalSubpackage(p) != null);
        assertEquals(Set.of(), found, "implementation classes go in the module's internal package or its subpackages");
    }

    @Test
    void noPackageIsSplitBetweenModulesTheBenchIncluded() throws IOException {
        Path root = Path.of(System.getProperty("berth.root")).toAbsolutePath().normalize();
        Map<String, Set<String>> owners = new TreeMap<>();
        Pattern pkg = Pattern.compile("(?m)^package ([\\w.]+);");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList())) {
                Path rel = root.relativize(f);
                if (rel.toString().contains("/target/") || rel.startsWith("examples")) {
                    continue;
                }
                String relText = rel.toString().replace('\\', '/');
                if (!relText.contains("/src/main/") && !relText.startsWith("bench/")) {
                    continue; // tests may share their module's packages
                }
                Matcher m = pkg.matcher(Files.readString(f));
                if (m.find()) {
                    String module = relText.startsWith("bench/") ? "bench" : rel.getName(0).toString();
                    owners.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(module);
                }
            }
        }
        Map<String, Set<String>> split = owners.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        assertEquals(Map.of(), split, "each package lives in one module");
    }

    @Test
    void everyApiPackageSaysWhatItIsInAPackageInfo() {
        Path root = Path.of(System.getProperty("berth.root")).toAbsolutePath().normalize();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : MODULES.entrySet()) {
            String dir = e.getKey().equals("berth-launcher") ? "launcher" : e.getKey();
            for (String p : e.getValue()) {
                Path info = root.resolve(dir).resolve("src/main/java").resolve(p.replace('.', '/')).resolve("package-info.java");
                if (!Files.isRegularFile(info)) {
                    missing.add(p);
                }
            }
        }
        Set<String> subpackages = berth.stream().map(JavaClass::getPackageName)
                .filter(p -> moduleOfInternalSubpackage(p) != null).collect(Collectors.toCollection(TreeSet::new));
        for (String p : subpackages) {
            String module = moduleOfInternalSubpackage(p);
            String dir = module.equals("berth-launcher") ? "launcher" : module;
            Path info = root.resolve(dir).resolve("src/main/java").resolve(p.replace('.', '/')).resolve("package-info.java");
            if (!Files.isRegularFile(info)) {
                missing.add(p);
            }
        }
        assertEquals(List.of(), missing, "a package-info.java with one paragraph per package");
    }

    /**
     * The module whose {@code internal} package holds {@code pkg} as a subpackage (e.g. {@code server-core} for
     * {@code dev.berth.core.internal.tls}); null for any other package, the internal packages themselves included.
     */
    private static String moduleOfInternalSubpackage(String pkg) {
        for (Map.Entry<String, List<String>> e : MODULES.entrySet()) {
            for (String p : e.getValue()) {
                if (p.endsWith(".internal") && pkg.startsWith(p + ".")) {
                    return e.getKey();
                }
            }
        }
        return null;
    }

    private static boolean isExposed(Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }
}
