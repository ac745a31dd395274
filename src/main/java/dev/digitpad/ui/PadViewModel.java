package dev.digitpad.ui;

import dev.digitpad.client.Prediction;
import dev.digitpad.client.PredictionException;
import dev.digitpad.imaging.MnistNormalizer;
import dev.digitpad.imaging.Normalization;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drawing pad and its prediction: strokes as data (with undo and redo per stroke), the tensor that was
 * sent, and the model's answer. Called on the UI thread; rendering, preprocessing and the call to the server
 * run on the injected {@code worker}, and their results come back through {@code uiThread}.
 *
 * <p>Predictions never pile up. During a stroke at most one runs at a time (that, and a minimum interval,
 * throttle live prediction); a stroke end, undo, redo, clear or Enter starts at once beside it, so it does not
 * wait for a prediction of a half-drawn stroke, but never more than {@value #MAX_IN_FLIGHT} run at once: further
 * requests collapse into one that runs when one finishes, with the latest drawing. A result older than the one
 * on screen is dropped.
 *
 * <p>So that a stroke end's answer makes it into the very next frame, the UI thread may wait for it briefly: at most
 * {@code answerWait}, and only while answers come that fast (the embedded server's do; a remote server's usually
 * do not, and then nothing waits). An answer that does not come in time is shown when it comes, as usual.
 */
public final class PadViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(PadViewModel.class);
    /** Minimum time between predictions requested while a stroke is being drawn. */
    static final long LIVE_INTERVAL_NANOS = 40_000_000L;
    /** Longest a warm-up runs; it stops sooner once the pad is used. */
    static final Duration WARM_UP_TIME = Duration.ofSeconds(3);
    /** Most predictions a warm-up makes: enough for the JVM's optimising compiler to take up the whole path. */
    static final int WARM_UP_RUNS = 3000;
    /** Predictions running at once, at most; the worker should have as many threads. */
    public static final int MAX_IN_FLIGHT = 2;

    public static final String DRAW_A_DIGIT = "Draw a digit";
    public static final String NOT_SURE = "Not sure";
    public static final String TOO_SMALL = "Too small";

    /**
     * What was last sent to the model and what it answered.
     *
     * @param tooSmall the drawing has ink, but too little to be a digit (a dot, a speck), so nothing was sent
     */
    public record Result(Drawing drawing, Optional<float[]> tensor, Optional<Prediction> prediction, boolean tooSmall) {
        static Result of(Drawing drawing) {
            return new Result(drawing, Optional.empty(), Optional.empty(), false);
        }
    }

    private final Executor worker;
    private final Consumer<Runnable> uiThread;
    private final long answerWaitNanos;

    private final ReadOnlyObjectWrapper<Drawing> drawing = new ReadOnlyObjectWrapper<>(this, "drawing", Drawing.EMPTY);
    private final Deque<Drawing> undo = new ArrayDeque<>();
    private final Deque<Drawing> redo = new ArrayDeque<>();
    private final ReadOnlyBooleanWrapper canUndo = new ReadOnlyBooleanWrapper(this, "canUndo");
    private final ReadOnlyBooleanWrapper canRedo = new ReadOnlyBooleanWrapper(this, "canRedo");
    private final DoubleProperty penWidth = new SimpleDoubleProperty(this, "penWidth", 22);
    private final BooleanProperty eraser = new SimpleBooleanProperty(this, "eraser");
    private final BooleanProperty live = new SimpleBooleanProperty(this, "live", true);
    private final DoubleProperty threshold = new SimpleDoubleProperty(this, "threshold", 0.6);

    private final ReadOnlyObjectWrapper<Result> result = new ReadOnlyObjectWrapper<>(this, "result",
            Result.of(Drawing.EMPTY));
    private final ReadOnlyStringWrapper headline = new ReadOnlyStringWrapper(this, "headline", DRAW_A_DIGIT);
    private final ReadOnlyStringWrapper detail = new ReadOnlyStringWrapper(this, "detail", "");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyObjectWrapper<Problem> problem = new ReadOnlyObjectWrapper<>(this, "problem");
    private final ReadOnlyStringWrapper waitingFor = new ReadOnlyStringWrapper(this, "waitingFor", "Loading the model…");

    private Stroke current;
    private Drawing beforeStroke;
    private long lastLiveRequest;
    private Job latest;
    private int inFlight;
    private boolean pending;
    private long requested;
    private long shown;
    /** How long the last answer took to compute, preprocessing included; measured on the worker. */
    private volatile long lastAnswerNanos = Long.MAX_VALUE;
    private volatile Predictor predictor;
    /** Counts the person's actions on the pad; a warm-up stops when it changes. Written on the UI thread. */
    private volatile long touched;

    /** A view model whose UI thread never waits for an answer. */
    public PadViewModel(Executor worker, Consumer<Runnable> uiThread) {
        this(worker, uiThread, Duration.ZERO);
    }

    /**
     * @param answerWait how long the UI thread may wait at a stroke end (or undo, redo, clear, Enter) for an answer
     *     that has been coming that fast, so that it shows in the next frame
     */
    public PadViewModel(Executor worker, Consumer<Runnable> uiThread, Duration answerWait) {
        this.worker = worker;
        this.uiThread = uiThread;
        this.answerWaitNanos = answerWait.toNanos();
        threshold.addListener((o, a, b) -> updateHeadline());
    }

    // ----- drawing -----

    public void beginStroke(double x, double y) {
        touched++;
        beforeStroke = drawing.get();
        current = new Stroke(new double[] {x, y}, penWidth.get(), eraser.get());
        drawing.set(beforeStroke.with(current));
    }

    public void extendStroke(double x, double y) {
        if (current == null) {
            return;
        }
        current = current.plus(x, y);
        drawing.set(beforeStroke.with(current));
        if (live.get()) {
            long now = System.nanoTime();
            if (now - lastLiveRequest >= LIVE_INTERVAL_NANOS) {
                lastLiveRequest = now;
                requestPrediction(false);
            }
        }
    }

    public void endStroke() {
        if (current == null) {
            return;
        }
        record(beforeStroke);
        current = null;
        beforeStroke = null;
        if (!live.get()) {
            return;
        }
        Job last = latest;
        if (last != null && last.snapshot == drawing.get() && last.predictor == predictor) {
            // The pen did not move since the last live request: its answer is this stroke's.
            awaitBriefly(last);
        } else {
            requestPrediction();
        }
    }

    public void undo() {
        if (current != null || undo.isEmpty()) {
            return;
        }
        redo.push(drawing.get());
        drawing.set(undo.pop());
        changed();
    }

    public void redo() {
        if (current != null || redo.isEmpty()) {
            return;
        }
        undo.push(drawing.get());
        drawing.set(redo.pop());
        changed();
    }

    public void clear() {
        if (current != null || drawing.get().isBlank()) {
            return;
        }
        Drawing before = drawing.get();
        drawing.set(Drawing.EMPTY);
        record(before);
        changed();
    }

    /** Shows an image on the pad (replacing the drawing, undoably) and predicts it. */
    public void load(BufferedImage image) {
        Drawing before = drawing.get();
        drawing.set(Drawing.of(image));
        record(before);
        requestPrediction();
    }

    private void record(Drawing before) {
        undo.push(before);
        redo.clear();
        canUndo.set(true);
        canRedo.set(false);
    }

    private void changed() {
        canUndo.set(!undo.isEmpty());
        canRedo.set(!redo.isEmpty());
        requestPrediction();
    }

    // ----- prediction -----

    /** Uses {@code predictor} from now on (null while there is none), and predicts the drawing with it. */
    public void setPredictor(Predictor predictor, String waitingMessage) {
        this.predictor = predictor;
        waitingFor.set(waitingMessage);
        requestPrediction();
    }

    /**
     * Runs the whole prediction path (rendering, preprocessing and the call) on a sample drawing in the background,
     * discarding the answers, so that the JVM has compiled it before the person's first strokes: interpreted, it
     * made a stroke end's answer several times slower. For a server in this process only, since a remote one would
     * get thousands of calls. It stops after {@link #WARM_UP_TIME} or {@link #WARM_UP_RUNS} predictions, at the
     * first failure, when the predictor changes, and as soon as the pad is used, so it never delays the person.
     */
    public void warmUp() {
        Predictor p = predictor;
        if (p == null) {
            return;
        }
        long since = touched;
        try {
            worker.execute(() -> warmUp(p, since));
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    private void warmUp(Predictor p, long since) {
        long end = System.nanoTime() + WARM_UP_TIME.toNanos();
        int runs = 0;
        while (runs < WARM_UP_RUNS && touched == since && predictor == p && System.nanoTime() - end < 0) {
            if (compute(WARM_UP_SAMPLE, p).failure() != null) {
                break;
            }
            runs++;
        }
        LOG.debug("Warmed up the prediction path with {} predictions", runs);
    }

    /** A 0 of a usual size and pen: what a warm-up predicts. */
    private static final Drawing WARM_UP_SAMPLE = new Drawing(Optional.empty(), List.of(ellipse(140, 140, 55, 85)));

    private static Stroke ellipse(double cx, double cy, double rx, double ry) {
        double[] xy = new double[2 * 64];
        for (int i = 0; i < 64; i++) {
            double t = 2 * Math.PI * i / 63;
            xy[2 * i] = cx + rx * Math.sin(t);
            xy[2 * i + 1] = cy - ry * Math.cos(t);
        }
        return new Stroke(xy, 22, false);
    }

    /** Predicts the current drawing now (Enter); with live prediction this happens by itself. */
    public void predictNow() {
        requestPrediction();
    }

    private void requestPrediction() {
        requestPrediction(true);
    }

    /** @param urgent false for live prediction during a stroke, which waits for any prediction running */
    private void requestPrediction(boolean urgent) {
        touched++;
        if (inFlight >= (urgent ? MAX_IN_FLIGHT : 1)) {
            pending = true;
            return;
        }
        pending = false; // this request has the latest drawing
        Job job = new Job(drawing.get(), predictor, ++requested);
        latest = job;
        if (job.snapshot.isBlank()) {
            shown = job.seq;
            publish(Result.of(job.snapshot), null);
            return;
        }
        inFlight++;
        busy.set(true);
        try {
            worker.execute(job::run);
        } catch (RejectedExecutionException e) {
            inFlight--; // shutting down
            busy.set(inFlight > 0);
            return;
        }
        if (urgent) {
            awaitBriefly(job);
        }
    }

    /**
     * Waits up to {@code answerWait} for {@code job}'s answer and shows it at once, if answers have lately come
     * within that time; otherwise returns, and the answer is shown when it comes.
     */
    private void awaitBriefly(Job job) {
        if (job.finished || answerWaitNanos <= 0 || lastAnswerNanos > answerWaitNanos) {
            return;
        }
        try {
            finish(job, job.outcome.get(answerWaitNanos, TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            // it is slower this time: it is shown when it comes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a prediction job failed outside its own error handling", e.getCause());
        }
    }

    /** What a prediction job produced: the result to show, and the failure to report, if any. */
    private record Outcome(Result result, Problem failure) {}

    /** One prediction of one drawing: computed on the worker, finished (counted and shown) once, on the UI thread. */
    private final class Job {
        final Drawing snapshot;
        final Predictor predictor;
        final long seq;
        final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        /** Whether the UI thread has counted it done; read and written on the UI thread only. */
        boolean finished;

        Job(Drawing snapshot, Predictor predictor, long seq) {
            this.snapshot = snapshot;
            this.predictor = predictor;
            this.seq = seq;
        }

        void run() {
            long start = System.nanoTime();
            Outcome done = compute(snapshot, predictor);
            lastAnswerNanos = System.nanoTime() - start;
            outcome.complete(done);
            uiThread.accept(() -> finish(this, done));
        }
    }

    private static Outcome compute(Drawing snapshot, Predictor p) {
        Optional<float[]> tensor = Optional.empty();
        Optional<Prediction> prediction = Optional.empty();
        boolean tooSmall = false;
        Problem failure = null;
        try {
            Normalization n = MnistNormalizer.normalize(snapshot.render());
            // The normaliser blows any ink up to 20 px, so a dot would come back as a confident digit.
            tooSmall = n.cropBox().filter(snapshot::tooSmallToRead).isPresent();
            tensor = tooSmall ? Optional.empty() : n.pixels();
            if (tensor.isPresent() && p != null) {
                prediction = Optional.of(p.predict(tensor.get()));
            }
        } catch (PredictionException e) {
            LOG.info("Prediction failed: {}", e.getMessage());
            failure = new Problem("Prediction failed", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Prediction failed", e);
            failure = new Problem("Prediction failed", "DigitPad could not predict the drawing (" + e + "). Try again;"
                    + " if it keeps failing, check the server in the Server tab.");
        }
        return new Outcome(new Result(snapshot, tensor, prediction, tooSmall), failure);
    }

    /** Counts {@code job} done and shows its outcome unless a newer one is shown; once per job, on the UI thread. */
    private void finish(Job job, Outcome done) {
        if (job.finished) {
            return;
        }
        job.finished = true;
        inFlight--;
        busy.set(inFlight > 0);
        if (job.seq > shown) {
            shown = job.seq;
            publish(done.result(), done.failure());
        }
        if (pending && inFlight < MAX_IN_FLIGHT) {
            pending = false;
            requestPrediction();
        }
    }

    private void publish(Result r, Problem failure) {
        result.set(r);
        updateHeadline();
        if (failure != null) {
            problem.set(failure);
        }
    }

    private void updateHeadline() {
        Result r = result.get();
        if (r.tooSmall()) {
            headline.set(TOO_SMALL);
            detail.set("Draw the digit larger: a dot or a speck is not a digit.");
        } else if (r.drawing().isBlank() || r.tensor().isEmpty()) {
            headline.set(DRAW_A_DIGIT);
            detail.set(r.drawing().isBlank() ? "" : "There is no ink to recognise.");
        } else if (r.prediction().isEmpty()) {
            headline.set("–");
            detail.set(predictor == null ? waitingFor.get() : "No answer from the server; see the message.");
        } else {
            Prediction p = r.prediction().get();
            String percent = String.format("%.0f%%", 100 * p.confidence());
            if (p.confidence() < threshold.get()) {
                headline.set(NOT_SURE);
                detail.set("Maybe " + p.digit() + " (" + percent + ")");
            } else {
                headline.set(Integer.toString(p.digit()));
                detail.set(percent + " sure");
            }
        }
    }

    // ----- properties -----

    public ReadOnlyObjectProperty<Drawing> drawingProperty() { return drawing.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty canUndoProperty() { return canUndo.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty canRedoProperty() { return canRedo.getReadOnlyProperty(); }
    public DoubleProperty penWidthProperty() { return penWidth; }
    public BooleanProperty eraserProperty() { return eraser; }
    public BooleanProperty liveProperty() { return live; }
    public DoubleProperty thresholdProperty() { return threshold; }
    public ReadOnlyObjectProperty<Result> resultProperty() { return result.getReadOnlyProperty(); }
    public ReadOnlyStringProperty headlineProperty() { return headline.getReadOnlyProperty(); }
    public ReadOnlyStringProperty detailProperty() { return detail.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty busyProperty() { return busy.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<Problem> problemProperty() { return problem.getReadOnlyProperty(); }
}
