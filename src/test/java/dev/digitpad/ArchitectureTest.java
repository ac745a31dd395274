package dev.digitpad;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.server.ServingStack;

/**
 * The package rules that the README's "How the code is laid out" states and {@code docs/architecture.md} draws: each
 * package may be used only by the packages above it, so that dependencies point one way; JavaFX lives in {@code ui}
 * and {@code app.desktop}; tensorflow-java in {@code inference} (serving) and {@code training}; one place builds the
 * serving stack. A failure here means the change broke the map: change the code, or change the map, this test and the
 * README together.
 */
@AnalyzeClasses(packages = "dev.digitpad", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String SEE = "; see the README's \"How the code is laid out\" and docs/architecture.md";

    @ArchTest
    static final ArchRule layers = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .withOptionalLayers(true)
            .layer("App")
            .definedBy("dev.digitpad.app")
            .layer("Cli")
            .definedBy("dev.digitpad.app.cli..")
            .layer("Desktop")
            .definedBy("dev.digitpad.app.desktop..")
            .layer("Shared")
            .definedBy("dev.digitpad.app.shared..")
            .layer("UI")
            .definedBy("dev.digitpad.ui..")
            .layer("Bench")
            .definedBy("dev.digitpad.bench..")
            .layer("Training")
            .definedBy("dev.digitpad.training..")
            .layer("Client")
            .definedBy("dev.digitpad.client..")
            .layer("Server")
            .definedBy("dev.digitpad.server..")
            .layer("Inference")
            .definedBy("dev.digitpad.inference..")
            .layer("Dataset")
            .definedBy("dev.digitpad.dataset..")
            .layer("Imaging")
            .definedBy("dev.digitpad.imaging..")
            .layer("Protocol")
            .definedBy("dev.digitpad.protocol..")
            .layer("Contract")
            .definedBy("dev.digitpad.contract..")
            .whereLayer("App")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("Cli")
            .mayOnlyBeAccessedByLayers("App")
            .whereLayer("Desktop")
            .mayOnlyBeAccessedByLayers("App")
            .whereLayer("Shared")
            .mayOnlyBeAccessedByLayers("App", "Cli", "Desktop")
            .whereLayer("UI")
            .mayOnlyBeAccessedByLayers("Desktop")
            .whereLayer("Bench")
            .mayOnlyBeAccessedByLayers("Cli")
            .whereLayer("Training")
            .mayOnlyBeAccessedByLayers("Cli")
            .whereLayer("Client")
            .mayOnlyBeAccessedByLayers("Cli", "Desktop", "Shared", "UI", "Bench")
            .whereLayer("Server")
            .mayOnlyBeAccessedByLayers("Cli", "Shared", "Bench")
            .whereLayer("Inference")
            .mayOnlyBeAccessedByLayers("Cli", "Shared", "Bench", "Server")
            .whereLayer("Dataset")
            .mayOnlyBeAccessedByLayers("Cli", "Training")
            .whereLayer("Imaging")
            .mayOnlyBeAccessedByLayers("Cli", "UI", "Bench", "Training", "Dataset")
            .whereLayer("Protocol")
            .mayOnlyBeAccessedByLayers("Bench", "Client", "Server")
            .whereLayer("Contract")
            .mayOnlyBeAccessedByLayers(
                    "App",
                    "Cli",
                    "Desktop",
                    "Shared",
                    "UI",
                    "Bench",
                    "Training",
                    "Client",
                    "Server",
                    "Inference",
                    "Dataset",
                    "Imaging",
                    "Protocol")
            .because("dependencies point one way" + SEE);

    @ArchTest
    static final ArchRule theServingRuntimeKnowsNothingOfTraining = noClasses()
            .that()
            .resideInAPackage("dev.digitpad.inference..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("dev.digitpad.dataset..", "dev.digitpad.training..", "dev.digitpad.imaging..")
            .because("the serving runtime serves any SavedModel; training and its data are another program" + SEE);

    @ArchTest
    static final ArchRule onlyTheServingStackBuildsAModelManager = noClasses()
            .that()
            .doNotBelongToAnyOf(ServingStack.class, ModelManager.class)
            .should()
            .callConstructorWhere(target(owner(equivalentTo(ModelManager.class))))
            .because("one place builds the loader chain, the manager, the core and the front ends, and closes them in"
                    + " order" + SEE);

    @ArchTest
    static final ArchRule noClassInMainIsNamedLikeATest = noClasses()
            .should()
            .haveSimpleNameEndingWith("Test")
            .orShould()
            .haveSimpleNameEndingWith("Tests")
            .orShould()
            .haveSimpleNameEndingWith("IT")
            .orShould()
            .haveSimpleNameStartingWith("Test")
            .because("test runners pick classes by these names, and a reader takes them for tests" + SEE);

    @ArchTest
    static final ArchRule theModelContractDependsOnNothing = classes()
            .that()
            .resideInAPackage("dev.digitpad.contract..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "dev.digitpad.contract..")
            .because("every layer uses the model contract, so it must not lead anywhere" + SEE);

    @ArchTest
    static final ArchRule onlyInferenceAndTrainingTouchTensorFlow = noClasses()
            .that()
            .resideOutsideOfPackages("dev.digitpad.inference..", "dev.digitpad.training..")
            .should()
            .dependOnClassesThat(resideInAPackage("org.tensorflow..")
                    .and(not(resideInAnyPackage("org.tensorflow.proto..", "org.tensorflow.ndarray.."))))
            .because("tensorflow-java's native objects are handled in two places, where each is closed" + SEE);

    @ArchTest
    static final ArchRule imagingIsPlainJava = classes()
            .that()
            .resideInAPackage("dev.digitpad.imaging..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "java..",
                    "javax.imageio..",
                    "org.tensorflow.ndarray..",
                    "dev.digitpad.imaging..",
                    "dev.digitpad.contract..")
            .because("the image pipeline runs anywhere: in the app, the command line and training, without JavaFX"
                    + SEE);

    @ArchTest
    static final ArchRule javaFxOnlyInUiAndTheDesktopWiring = noClasses()
            .that()
            .resideOutsideOfPackages("dev.digitpad.ui..", "dev.digitpad.app.desktop..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("javafx..")
            .because("the commands and the server run where there is no display" + SEE);

    @ArchTest
    static final ArchRule viewModelsDoNotTouchControlsOrTheFxThread = noClasses()
            .that()
            .resideInAPackage("dev.digitpad.ui..")
            .and()
            .haveSimpleNameEndingWith("ViewModel")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("javafx.scene..", "javafx.stage..", "javafx.application..", "javafx.embed..")
            .because("view models own properties only; the UI thread is injected, so their tests run without it" + SEE);

    @ArchTest
    static final ArchRule noBareThreads = noClasses()
            .should()
            .callConstructor(Thread.class)
            .orShould()
            .callConstructor(Thread.class, Runnable.class)
            .because("threads come from named factories with an uncaught-exception handler" + SEE);
}
