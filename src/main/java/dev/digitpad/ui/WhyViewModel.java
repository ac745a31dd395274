package dev.digitpad.ui;

import dev.digitpad.client.OcclusionMap;
import dev.digitpad.client.PredictionException;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * View &gt; Why: the occlusion map of the answer on screen, for its top digit or for the digit the person clicked.
 * The map is worked out after the answer is shown, on the injected {@code worker} (never on the prediction's), and only
 * for the drawing on the pad once the pen is up; any change to the drawing (a new stroke, undo, clear, a loaded image) and any new answer
 * cancel a map being worked out, and take the map shown away, so a map of an older drawing is never shown. Called on
 * the UI thread; results come back through {@code uiThread}.
 */
public final class WhyViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(WhyViewModel.class);

    /**
     * A map on screen.
     *
     * @param tensor the model's input it explains (the one the view shows)
     * @param map the chosen digit's map, 784 values
     */
    public record Shown(float[] tensor, float[] map, int digit, OcclusionMap all) {}

    private final PredictionScheduler predictions;
    private final PadViewModel pad;
    private final Executor worker;
    private final Consumer<Runnable> uiThread;

    private final BooleanProperty enabled = new SimpleBooleanProperty(this, "enabled");
    private final ReadOnlyObjectWrapper<Shown> shown = new ReadOnlyObjectWrapper<>(this, "shown");
    private final ReadOnlyIntegerWrapper digit = new ReadOnlyIntegerWrapper(this, "digit", -1);
    private final ReadOnlyBooleanWrapper working = new ReadOnlyBooleanWrapper(this, "working");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");

    private volatile Explainer explainer;
    /** The answer whose map is being worked out or shown; null for none. */
    private PredictionResult subject;
    /** Its map, once worked out. */
    private OcclusionMap map;

    private Job running;
    private long started;

    public WhyViewModel(
            PredictionScheduler predictions, PadViewModel pad, Executor worker, Consumer<Runnable> uiThread) {
        this.predictions = predictions;
        this.pad = pad;
        this.worker = worker;
        this.uiThread = uiThread;
        predictions.resultProperty().addListener((o, a, r) -> restart());
        pad.drawingProperty().addListener((o, a, d) -> forget());
        pad.strokingProperty().addListener((o, a, stroking) -> {
            if (!stroking) {
                restart(); // the stroke's answer may have come while the pen rested before it came up
            }
        });
        enabled.addListener((o, a, on) -> restart());
    }

    /** Uses {@code explainer} from now on (null while there is no server); the map on screen is worked out again. */
    public void setExplainer(Explainer explainer) {
        this.explainer = explainer;
        restart();
    }

    /** Shows the map of {@code d} instead of the top digit's (a click on the distribution); costs no call. */
    public void choose(int d) {
        if (d < 0 || d > 9) {
            throw new IllegalArgumentException("a digit is 0 to 9, not " + d);
        }
        digit.set(d);
        show();
    }

    /**
     * Forgets the map and works out the answer's on screen, if Why is on and the answer is of the pad's drawing, and no
     * stroke is being drawn (live answers during a stroke get no map: it would compete with the next one).
     */
    private void restart() {
        forget();
        PredictionResult r = predictions.resultProperty().get();
        Explainer e = explainer;
        if (!enabled.get()
                || e == null
                || r.tensor().isEmpty()
                || r.prediction().isEmpty()
                || r.drawing() != pad.drawingProperty().get()
                || pad.strokingProperty().get()) {
            return;
        }
        subject = r;
        Job job = new Job(++started, r.tensor().get(), e);
        running = job;
        working.set(true);
        status.set("Working out why…");
        try {
            worker.execute(job.task);
        } catch (RejectedExecutionException shuttingDown) {
            running = null;
            working.set(false);
        }
    }

    /** Cancels a map being worked out and takes the one shown away. */
    private void forget() {
        if (running != null) {
            running.cancel();
            running = null;
        }
        subject = null;
        map = null;
        digit.set(-1);
        working.set(false);
        status.set("");
        shown.set(null);
    }

    private void finished(Job job, OcclusionMap result, String failure) {
        if (job != running) {
            return; // cancelled: another drawing, answer or explainer since
        }
        running = null;
        working.set(false);
        if (result == null) {
            status.set("Why is not available: " + failure);
            return;
        }
        map = result;
        show();
    }

    private void show() {
        if (map == null || subject == null) {
            return;
        }
        int d = digit.get() < 0 ? map.topDigit() : digit.get();
        shown.set(new Shown(subject.tensor().orElseThrow(), map.of(d), d, map));
        status.set(String.format(
                Locale.ROOT,
                "Why %d: red for it, blue against · %d images, %d call%s, %.0f ms",
                d,
                map.rows(),
                map.calls(),
                map.calls() == 1 ? "" : "s",
                map.elapsed().toNanos() / 1e6));
    }

    /** One map being worked out, on the worker; its outcome comes back on the UI thread. */
    private final class Job {
        final long seq;
        final AtomicBoolean cancelled = new AtomicBoolean();
        final FutureTask<Void> task;

        Job(long seq, float[] tensor, Explainer explainer) {
            this.seq = seq;
            this.task = new FutureTask<>(() -> compute(tensor, explainer), null);
        }

        void cancel() {
            cancelled.set(true);
            task.cancel(true); // interrupts a call in flight, which cancels it
        }

        private void compute(float[] tensor, Explainer explainer) {
            if (cancelled.get()) {
                return;
            }
            try {
                OcclusionMap result = explainer.map(tensor, cancelled::get);
                uiThread.accept(() -> finished(this, result, null));
            } catch (CancellationException e) {
                LOG.debug("Occlusion map {} cancelled", seq);
            } catch (PredictionException e) {
                if (!cancelled.get()) {
                    LOG.debug("Occlusion map failed: {} [{}]", e.getMessage(), e.technical());
                    uiThread.accept(() -> finished(this, null, e.getMessage()));
                }
            } catch (RuntimeException e) {
                if (!cancelled.get()) {
                    LOG.warn("Occlusion map failed", e);
                    uiThread.accept(() -> finished(this, null, e.toString()));
                }
            }
        }
    }

    /** View &gt; Why: whether the map is worked out and shown. */
    public BooleanProperty enabledProperty() {
        return enabled;
    }

    /** The map on screen, always of the answer on screen; null for none. */
    public ReadOnlyObjectProperty<Shown> shownProperty() {
        return shown.getReadOnlyProperty();
    }

    /** The digit clicked, whose map is shown; -1 for the top digit. Back to -1 at each new answer. */
    public ReadOnlyIntegerProperty digitProperty() {
        return digit.getReadOnlyProperty();
    }

    /** Whether a map is being worked out. */
    public ReadOnlyBooleanProperty workingProperty() {
        return working.getReadOnlyProperty();
    }

    /** What the view says of the map: being worked out, what it shows and what it cost, or why there is none. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }
}
