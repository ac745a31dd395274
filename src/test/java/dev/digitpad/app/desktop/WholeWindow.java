package dev.digitpad.app.desktop;

import dev.digitpad.app.shared.AppPaths;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.server.ModelServer;
import dev.digitpad.server.ServingCore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
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

    /** What {@link #serveOnLoopback} started, closed after the test: servers first, then their models. */
    private final Deque<AutoCloseable> served = new ArrayDeque<>();

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

    /**
     * Serves {@code models} as a network server on a free loopback port until the test ends, as a remote server the
     * window connects to; closes them after the test.
     *
     * @return the server's gRPC address, {@code 127.0.0.1:PORT}
     */
    String serveOnLoopback(ModelManager models) throws IOException {
        served.push(models);
        ModelServer server = ModelServer.start(
                new ServingCore(models),
                new ModelServer.Options(
                        ModelServer.Options.LOOPBACK,
                        0,
                        0,
                        ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                        Duration.ofSeconds(10)));
        served.push(server);
        return "127.0.0.1:" + server.grpcPort();
    }

    @AfterEach
    final void close() throws Exception {
        while (!served.isEmpty()) {
            served.pop().close();
        }
        if (desktop != null) {
            FxToolkit.setupFixture(desktop::close);
        }
    }
}
