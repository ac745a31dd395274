package dev.digitpad.ui;

import dev.digitpad.client.OcclusionMapper;
import dev.digitpad.imaging.ImageFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The window as a whole: the panes' view models (pad, prediction, server) and what ties them together (the server's
 * session is the scheduler's predictor; their problems are the window's), the appearance, files in and out, and the
 * settings that are kept between runs. File work runs on the injected {@code worker}.
 */
public final class MainViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(MainViewModel.class);

    private final PadViewModel pad;
    private final PredictionViewModel prediction;
    private final ServerViewModel server;
    private final WhyViewModel why;
    private final HistoryViewModel history;
    private final Executor worker;
    private final Consumer<Runnable> uiThread;
    private final ObjectProperty<Settings.Theme> theme =
            new SimpleObjectProperty<>(this, "theme", Settings.Theme.SYSTEM);
    private final ReadOnlyObjectWrapper<Problem> problem = new ReadOnlyObjectWrapper<>(this, "problem");
    private final StringProperty lastFolder = new SimpleStringProperty(this, "lastFolder", "");
    private final ObjectProperty<Settings.WindowBounds> window = new SimpleObjectProperty<>(this, "window");

    /**
     * A window whose occlusion maps (View &gt; Why) are worked out on the file worker.
     *
     * @param predictions the scheduler behind {@code pad} and {@code prediction}, whose predictor is the server's
     */
    public MainViewModel(
            PredictionScheduler predictions,
            PadViewModel pad,
            PredictionViewModel prediction,
            ServerViewModel server,
            Executor worker,
            Consumer<Runnable> uiThread) {
        this(predictions, pad, prediction, server, worker, worker, uiThread);
    }

    /**
     * @param predictions the scheduler behind {@code pad} and {@code prediction}, whose predictor is the server's
     * @param whyWorker where occlusion maps (View &gt; Why) are worked out
     */
    public MainViewModel(
            PredictionScheduler predictions,
            PadViewModel pad,
            PredictionViewModel prediction,
            ServerViewModel server,
            Executor worker,
            Executor whyWorker,
            Consumer<Runnable> uiThread) {
        this.why = new WhyViewModel(predictions, pad, whyWorker, uiThread);
        this.pad = pad;
        this.prediction = prediction;
        this.server = server;
        this.worker = worker;
        this.uiThread = uiThread;
        history = new HistoryViewModel(pad, prediction, worker, this::report);
        predictions.problemProperty().addListener((o, a, p) -> problem.set(p));
        server.problemProperty().addListener((o, a, p) -> problem.set(p));
        // A call's failure is the server's health's to tell: once per outage, not once per call.
        ConnectionHealth health = server.health();
        health.problemProperty().addListener((o, a, p) -> problem.set(p));
        predictions.setOnCallEnded(health::callEnded);
        predictions.busyProperty().addListener((o, a, busy) -> health.predicting(busy));
        server.setAfterRetry(predictions::predictNow);
        health.stateProperty().addListener((o, was, now) -> {
            // Back after an outage: the drawing whose prediction failed is predicted now, without a new stroke.
            PredictionResult shown = predictions.resultProperty().get();
            if (now == ConnectionHealth.State.ANSWERING
                    && was != ConnectionHealth.State.ANSWERING
                    && shown.tensor().isPresent()
                    && shown.prediction().isEmpty()) {
                predictions.predictNow();
            }
        });
        // The status bar names the version that answered: the label's, or the latest, may change while connected.
        predictions.resultProperty().addListener((o, a, r) -> r.prediction().ifPresent(server::answered));
        server.sessionProperty().addListener((o, a, s) -> {
            predictions.setPredictor(s == null ? null : s.client()::predict, "Not connected to a server.");
            if (s != null && s.inProcess()) {
                predictions.warmUp();
            }
        });
        server.sessionProperty()
                .addListener((o, a, s) -> why.setExplainer(s == null ? null : new OcclusionMapper(s.client())::map));
    }

    /** Shows the settings in the window (at start-up). Does not connect. */
    public void apply(Settings s) {
        server.show(s.server());
        pad.penWidthProperty().set(s.penWidth());
        pad.liveProperty().set(s.live());
        prediction.thresholdProperty().set(s.threshold());
        theme.set(s.theme());
        prediction.colorbarProperty().set(s.colorbar());
        lastFolder.set(s.lastFolder());
        window.set(s.window());
        why.enabledProperty().set(s.why());
    }

    /** The settings to keep: the server in use (not a half-typed form), and the rest as shown. */
    public Settings settings() {
        return new Settings(
                server.appliedProperty().get(),
                pad.penWidthProperty().get(),
                pad.liveProperty().get(),
                theme.get(),
                prediction.thresholdProperty().get(),
                prediction.colorbarProperty().get(),
                lastFolder.get(),
                window.get(),
                why.enabledProperty().get());
    }

    /** Reads an image file in the background and shows it on the pad. */
    public void open(Path file) {
        background(() -> {
            try {
                BufferedImage image = ImageFiles.read(file);
                uiThread.accept(() -> pad.load(image));
            } catch (IOException e) {
                report(new Problem("Cannot open " + file.getFileName(), e.getMessage()));
            }
        });
    }

    /** Shows an image from the clipboard or a drop, already in memory. */
    public void show(BufferedImage image) {
        pad.load(image);
    }

    /** Saves the drawing, as the model's preprocessing gets it (black on white, 280 px), as a PNG file. */
    public void save(Path file) {
        Drawing drawing = pad.drawingProperty().get();
        background(() -> {
            try {
                if (!ImageIO.write(drawing.render(), "png", file.toFile())) {
                    throw new IOException("no PNG writer");
                }
                LOG.info("Saved the drawing to {}", file);
            } catch (IOException e) {
                report(new Problem(
                        "Cannot save " + file.getFileName(),
                        "Writing " + file + " failed (" + e.getMessage()
                                + "). Choose another folder or free some disk space."));
            }
        });
    }

    /** "Retry now": tries the server in use again at once, and predicts the drawing again. */
    public void retryNow() {
        server.retryNow();
    }

    public void report(Problem p) {
        uiThread.accept(() -> problem.set(p));
    }

    private void background(Runnable task) {
        try {
            worker.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("Shutting down; not running a file task");
        }
    }

    public PadViewModel pad() {
        return pad;
    }

    public PredictionViewModel prediction() {
        return prediction;
    }

    public ServerViewModel server() {
        return server;
    }

    /** View &gt; Why: the occlusion map of the answer on screen. */
    public WhyViewModel why() {
        return why;
    }

    /** The last predictions, which the strip under the pad shows. */
    public HistoryViewModel history() {
        return history;
    }

    public ObjectProperty<Settings.Theme> themeProperty() {
        return theme;
    }

    /** The folder the file choosers last used (empty for none yet), kept between runs. */
    public StringProperty lastFolderProperty() {
        return lastFolder;
    }

    /** Where the window is and how big (null until known), kept between runs. */
    public ObjectProperty<Settings.WindowBounds> windowProperty() {
        return window;
    }

    public ReadOnlyObjectProperty<Problem> problemProperty() {
        return problem.getReadOnlyProperty();
    }
}
