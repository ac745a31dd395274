package dev.digitpad;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package rules of DEVELOPERS.md: dependencies point one way ({@code ui -> client/imaging -> protocol},
 * {@code server -> inference/protocol}), nothing depends on {@code app}, every layer may use {@code contract} (which
 * uses nothing), only {@code inference} touches tensorflow-java, and only {@code ui} and {@code app} touch JavaFX.
 */
@AnalyzeClasses(packages = "dev.digitpad", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule layers = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .withOptionalLayers(true)
            .layer("App").definedBy("dev.digitpad.app..")
            .layer("UI").definedBy("dev.digitpad.ui..")
            .layer("Client").definedBy("dev.digitpad.client..")
            .layer("Imaging").definedBy("dev.digitpad.imaging..")
            .layer("Server").definedBy("dev.digitpad.server..")
            .layer("Inference").definedBy("dev.digitpad.inference..")
            .layer("Dataset").definedBy("dev.digitpad.dataset..")
            .layer("Training").definedBy("dev.digitpad.training..")
            .layer("Bench").definedBy("dev.digitpad.bench..")
            .layer("Protocol").definedBy("dev.digitpad.protocol..")
            .layer("Contract").definedBy("dev.digitpad.contract..")
            .whereLayer("App").mayNotBeAccessedByAnyLayer()
            .whereLayer("UI").mayOnlyBeAccessedByLayers("App")
            .whereLayer("Client").mayOnlyBeAccessedByLayers("UI", "App")
            .whereLayer("Bench").mayOnlyBeAccessedByLayers("App")
            .whereLayer("Training").mayOnlyBeAccessedByLayers("App")
            .whereLayer("Server").mayOnlyBeAccessedByLayers("Bench", "App")
            .whereLayer("Inference").mayOnlyBeAccessedByLayers("Server", "Bench", "App")
            .whereLayer("Dataset").mayOnlyBeAccessedByLayers("Training", "App")
            .whereLayer("Imaging").mayOnlyBeAccessedByLayers("UI", "Client", "Dataset", "Training", "Bench", "App")
            .whereLayer("Protocol").mayOnlyBeAccessedByLayers("UI", "Client", "Server", "Bench", "App")
            .whereLayer("Contract").mayOnlyBeAccessedByLayers("App", "UI", "Client", "Imaging", "Server", "Inference",
                    "Dataset", "Training", "Bench", "Protocol");

    @ArchTest
    static final ArchRule theModelContractDependsOnNothing = classes()
            .that().resideInAPackage("dev.digitpad.contract..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.digitpad.contract..")
            .because("every layer uses the model contract, so it must not lead anywhere");

    @ArchTest
    static final ArchRule onlyInferenceTouchesTensorFlow = noClasses()
            .that().resideOutsideOfPackages("dev.digitpad.inference..", "dev.digitpad.training..")
            .should().dependOnClassesThat(resideInAPackage("org.tensorflow..")
                    .and(not(resideInAnyPackage("org.tensorflow.proto..", "org.tensorflow.ndarray.."))))
            .because("tensorflow-java's native objects are handled in one place, where each is closed");

    @ArchTest
    static final ArchRule imagingIsPlainJava = classes()
            .that().resideInAPackage("dev.digitpad.imaging..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(
                    "java..", "javax.imageio..", "org.tensorflow.ndarray..", "dev.digitpad.imaging..",
                    "dev.digitpad.contract..")
            .because("the image pipeline runs anywhere: in the app, the command line and training, without JavaFX");

    @ArchTest
    static final ArchRule javaFxOnlyInUiAndApp = noClasses()
            .that().resideOutsideOfPackages("dev.digitpad.ui..", "dev.digitpad.app..")
            .should().dependOnClassesThat().resideInAPackage("javafx..")
            .allowEmptyShould(true);

    @ArchTest
    static final ArchRule viewModelsDoNotTouchControlsOrTheFxThread = noClasses()
            .that().resideInAPackage("dev.digitpad.ui..").and().haveSimpleNameEndingWith("ViewModel")
            .should().dependOnClassesThat().resideInAnyPackage("javafx.scene..", "javafx.stage..", "javafx.application..",
                    "javafx.embed..")
            .because("view models own properties only; the UI thread is injected, so their tests run without it");

    @ArchTest
    static final ArchRule noBareThreads = noClasses()
            .should().callConstructor(Thread.class)
            .orShould().callConstructor(Thread.class, Runnable.class)
            .because("threads come from named factories with an uncaught-exception handler");
}
