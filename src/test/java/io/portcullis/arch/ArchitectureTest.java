package io.portcullis.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Capabilities meet only in the composition root: each may use the shared value types (net), the
 * configuration (config) and the store, never another capability's insides.
 */
class ArchitectureTest {

    private static final String[] CAPABILITIES = {"forward", "ports", "guard", "mapping", "ddns", "tunnel", "admin"};
    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.portcullis");
    }

    @Test
    void capabilitiesDoNotReachIntoEachOther() {
        for (String from : CAPABILITIES) {
            for (String to : CAPABILITIES) {
                if (from.equals(to)) {
                    continue;
                }
                noClasses().that().resideInAPackage("io.portcullis." + from + "..")
                        .should().dependOnClassesThat().resideInAPackage("io.portcullis." + to + "..")
                        .allowEmptyShould(true)
                        .because("capabilities meet only in the composition root")
                        .check(classes);
            }
        }
    }

    @Test
    void capabilitiesDoNotKnowTheCommandLineOrTheRoot() {
        for (String from : CAPABILITIES) {
            noClasses().that().resideInAPackage("io.portcullis." + from + "..")
                    .should().dependOnClassesThat().resideInAPackage("io.portcullis.cli..")
                    .allowEmptyShould(true)
                    .check(classes);
            noClasses().that().resideInAPackage("io.portcullis." + from + "..")
                    .should().dependOnClassesThat().haveFullyQualifiedName("io.portcullis.Gateway")
                    .allowEmptyShould(true)
                    .check(classes);
        }
    }

    @Test
    void valueTypesAndConfigDependOnNoCapability() {
        for (String base : new String[] {"net", "config"}) {
            for (String to : CAPABILITIES) {
                noClasses().that().resideInAPackage("io.portcullis." + base + "..")
                        .should().dependOnClassesThat().resideInAPackage("io.portcullis." + to + "..")
                        .allowEmptyShould(true)
                        .check(classes);
            }
        }
        noClasses().that().resideInAPackage("io.portcullis.net..")
                .should().dependOnClassesThat().resideInAPackage("io.portcullis.config..")
                .check(classes);
    }

    /** ForwardEngine is called from the control plane and may wait; everything else runs on event loops. */
    @Test
    void eventLoopCodeNeverSleepsOrTouchesTheFileSystem() {
        noClasses().that().resideInAPackage("io.portcullis.forward..").and().doNotHaveSimpleName("ForwardEngine")
                .should().dependOnClassesThat().haveFullyQualifiedName("java.nio.file.Files")
                .orShould().callMethod(Thread.class, "sleep", long.class)
                        .because("an event loop must never block")
                .check(classes);
    }
}
