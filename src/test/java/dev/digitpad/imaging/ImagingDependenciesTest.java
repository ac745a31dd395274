package dev.digitpad.imaging;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The imaging core is plain Java (the JDK, including javax.imageio to read files); TensorFlow stays inside
 * dev.digitpad.inference. {@code ModelInput} builds the model's input as a tensorflow-java ndarray, a plain Java
 * library with no native code, which ArchitectureTest also allows outside inference.
 */
class ImagingDependenciesTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.digitpad");

    @Test
    void imagingUsesOnlyTheJdk() {
        classes().that().resideInAPackage("dev.digitpad.imaging..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax.imageio..", "org.tensorflow.ndarray..",
                        "dev.digitpad.imaging..")
                .check(MAIN);
    }

    @Test
    void onlyInferenceTouchesTensorFlow() {
        noClasses().that().resideOutsideOfPackage("dev.digitpad.inference..")
                .should().dependOnClassesThat(resideInAPackage("org.tensorflow..")
                        .and(not(resideInAnyPackage("org.tensorflow.proto..", "org.tensorflow.ndarray.."))))
                .check(MAIN);
    }
}
