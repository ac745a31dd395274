package dev.digitpad.app.desktop;

import dev.digitpad.app.shared.AppPaths;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;

/**
 * The whole window as a person opens it, for the window tests: {@link Desktop} on TestFX's stage, with a settings file
 * of its own in the test's folder and an embedded server that serves {@link #model()}, the shipped model unless a
 * test says otherwise. The window is closed after each test, its executors and server with it.
 */
@ExtendWith(ApplicationExtension.class)
abstract class WholeWindow {
    @TempDir
    Path dir;

    Desktop desktop;
    Stage stage;

    /** The model folder the embedded server serves; the shipped model unless overridden. */
    Path model() {
        return AppPaths.shippedModel();
    }

    /** Runs on the FX thread before the window opens, for a test that must watch it from its first moment. */
    void beforeOpening(Stage stage) {}

    // TestFX's @Start and @Stop are found only on the test class itself, not on a class it extends: the window is
    // opened and closed here, on the FX thread, on the stage ApplicationExtension has just registered.
    @BeforeEach
    final void open() throws TimeoutException {
        Stage primary = FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(() -> {
            stage = primary;
            beforeOpening(primary);
            desktop = Desktop.open(primary, new Desktop.Config(dir.resolve("settings.json"), model()));
        });
    }

    @AfterEach
    final void close() throws TimeoutException {
        if (desktop != null) {
            FxToolkit.setupFixture(desktop::close);
        }
    }
}
