package dev.digitpad.app.desktop;

import dev.digitpad.app.shared.AppPaths;
import dev.digitpad.app.shared.AppVersion;
import dev.digitpad.app.shared.LogFile;
import dev.digitpad.ui.About;
import dev.digitpad.ui.CompareViewModel;
import dev.digitpad.ui.MainView;
import dev.digitpad.ui.MainViewModel;
import dev.digitpad.ui.PadViewModel;
import dev.digitpad.ui.PredictionResult;
import dev.digitpad.ui.PredictionScheduler;
import dev.digitpad.ui.PredictionViewModel;
import dev.digitpad.ui.ServerViewModel;
import dev.digitpad.ui.SettingsStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.image.Image;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desktop app's composition root: builds the executors, the settings store, the server connector, the view
 * models and the window, and takes them down in order on exit.
 */
final class Desktop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Desktop.class);
    static final int[] ICON_SIZES = {16, 24, 32, 48, 64, 128, 256};

    /**
     * @param settingsFile where settings are kept
     * @param modelBasePath the embedded server's model
     */
    record Config(Path settingsFile, Path modelBasePath) {
        static Config defaults() {
            return new Config(JsonSettingsStore.defaultFile(), AppPaths.shippedModel());
        }
    }

    /**
     * How long the FX thread may wait at a stroke end for an answer that has been coming that fast: one 60 Hz frame.
     * The frame it holds back is the one the answer then appears in, instead of the one after; a slow answer costs
     * this once, and then nothing waits until answers are fast again.
     */
    static final Duration ANSWER_WAIT = Duration.ofMillis(16);

    private final ExecutorService predictions;
    private final ExecutorService connections;
    private final ExecutorService files;
    /** View &gt; Why's occlusion maps: one at a time, beside the predictions, never in their way. */
    private final ExecutorService why;
    /** Tools &gt; Compare protocols: one comparison at a time. */
    private final ExecutorService comparisons;

    private final DesktopConnector connector;
    private final SettingsStore settings;
    private final MainViewModel vm;
    private final MainView view;
    private boolean closed;

    private Desktop(Config config, Consumer<Runnable> uiThread) {
        predictions = Executors.newFixedThreadPool(PredictionScheduler.MAX_IN_FLIGHT, threads("digitpad-predict"));
        connections = Executors.newSingleThreadExecutor(threads("digitpad-connect"));
        files = Executors.newSingleThreadExecutor(threads("digitpad-files"));
        why = Executors.newSingleThreadExecutor(threads("digitpad-why"));
        connector = new DesktopConnector(config.modelBasePath());
        settings = new JsonSettingsStore(config.settingsFile());
        PredictionScheduler scheduler = new PredictionScheduler(predictions, uiThread, ANSWER_WAIT);
        PadViewModel pad = new PadViewModel(scheduler);
        PredictionViewModel prediction = new PredictionViewModel(scheduler);
        ServerViewModel server = new ServerViewModel(connector, connections, uiThread);
        // A map starts a frame after its answer, so that it never competes with the frame that shows the answer.
        Executor afterTheFrame = CompletableFuture.delayedExecutor(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS, why);
        vm = new MainViewModel(scheduler, pad, prediction, server, files, afterTheFrame, uiThread);
        vm.apply(settings.load());
        view = new MainView(vm);
        comparisons = Executors.newSingleThreadExecutor(threads("digitpad-compare"));
        view.setCompare(new CompareViewModel(
                connector::comparisonEndpoints,
                comparisons,
                uiThread,
                () -> Optional.ofNullable(prediction.resultProperty().get()).flatMap(PredictionResult::tensor),
                () -> server.appliedProperty().get()));
    }

    /** Shows the window at once, then connects to the server of the settings in the background. Call on the FX thread. */
    static Desktop open(Stage stage, Config config) {
        return open(stage, config, null);
    }

    /** As {@link #open(Stage, Config)}, with timings logged to {@code measurements} if not null. */
    static Desktop open(Stage stage, Config config, Measurements measurements) {
        Desktop desktop = new Desktop(config, Platform::runLater);
        desktop.view.setAbout(new About(AppVersion.current(), config.settingsFile(), LogFile.current()));
        desktop.view.setShippedModel(config.modelBasePath());
        stage.setTitle(MainView.TITLE);
        stage.getIcons().setAll(icons());
        stage.setScene(new Scene(desktop.view, 1024, 700));
        if (measurements != null) {
            measurements.attach(stage, desktop.vm);
        }
        WindowPlacement.apply(stage, desktop.vm.windowProperty());
        desktop.view.setOnExit(() -> {
            stage.close();
            Platform.exit();
        });
        stage.show();
        desktop.vm.server().connect(desktop.vm.server().form());
        return desktop;
    }

    /** DigitPad's icon at the sizes a window manager picks from (the PNGs of assets/icons, copied by the build). */
    static List<Image> icons() {
        List<Image> icons = new ArrayList<>();
        for (int size : ICON_SIZES) {
            try (InputStream in = Desktop.class.getResourceAsStream("icons/digitpad-" + size + ".png")) {
                if (in == null) {
                    LOG.warn("The {} px icon is missing from the build; the window shows the default icon", size);
                    continue;
                }
                icons.add(new Image(in));
            } catch (IOException e) {
                LOG.warn("Cannot read the {} px icon: {}", size, e.getMessage());
            }
        }
        return icons;
    }

    MainViewModel viewModel() {
        return vm;
    }

    MainView view() {
        return view;
    }

    /** Saves the settings and stops everything: background work, the server connection, the embedded server. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        settings.save(vm.settings());
        why.shutdownNow(); // a map being worked out is of no use any more
        comparisons.shutdownNow(); // a comparison under way is cancelled, not waited for
        for (ExecutorService e : List.of(files, connections, predictions)) {
            e.shutdown();
        }
        try {
            for (ExecutorService e : List.of(files, connections, predictions)) {
                if (!e.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("Background work did not finish in 5 s; interrupting it");
                    e.shutdownNow();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        vm.server().close();
        connector.close();
        LOG.debug("DigitPad closed");
    }

    /** Named daemon threads whose uncaught exceptions go to the one error handler. */
    static ThreadFactory threads(String name) {
        return Thread.ofPlatform()
                .name(name + "-", 0)
                .daemon(true)
                .uncaughtExceptionHandler(UncaughtErrors::handle)
                .factory();
    }
}
