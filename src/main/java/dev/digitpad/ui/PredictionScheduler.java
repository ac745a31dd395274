package dev.digitpad.ui;

import dev.digitpad.client.PredictionException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when the pad's drawing is sent to the model, and publishes what comes back. The pad tells it of every
 * change to the drawing; it predicts live while a stroke is drawn (when {@link #liveProperty() live} is on), at a
 * stroke end, on undo, redo, clear or a loaded image, and on {@link #predictNow()} (Enter). Called on the UI thread;
 * rendering, preprocessing and the call to the server run on the injected {@code worker}, and their results come
 * back through {@code uiThread}.
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
public final class PredictionScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionScheduler.class);
    /** Minimum time between predictions requested while a stroke is being drawn. */
    static final long LIVE_INTERVAL_NANOS = 40_000_000L;
    /** Predictions running at once, at most; the worker should have as many threads. */
    public static final int MAX_IN_FLIGHT = 2;

    private final Executor worker;
    private final Consumer<Runnable> uiThread;
    private final long answerWaitNanos;

    private final BooleanProperty live = new SimpleBooleanProperty(this, "live", true);
    private final ReadOnlyObjectWrapper<PredictionResult> result =
            new ReadOnlyObjectWrapper<>(this, "result", PredictionResult.of(Drawing.EMPTY));
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyObjectWrapper<Problem> problem = new ReadOnlyObjectWrapper<>(this, "problem");
    private final ReadOnlyStringWrapper waitingFor =
            new ReadOnlyStringWrapper(this, "waitingFor", "Loading the model…");

    /** Told how each shown call to the current predictor ended: null when answered, else its failure. */
    private Consumer<PredictionException> onCallEnded = e -> {};
    /** The message of the last failure that was not the predictor's, reported once until a prediction succeeds. */
    private String lastFailure;

    /** The drawing as the pad last told it. */
    private Drawing drawing = Drawing.EMPTY;

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

    /** A scheduler whose UI thread never waits for an answer. */
    public PredictionScheduler(Executor worker, Consumer<Runnable> uiThread) {
        this(worker, uiThread, Duration.ZERO);
    }

    /**
     * @param answerWait how long the UI thread may wait at a stroke end (or undo, redo, clear, Enter) for an answer
     *     that has been coming that fast, so that it shows in the next frame
     */
    public PredictionScheduler(Executor worker, Consumer<Runnable> uiThread, Duration answerWait) {
        this.worker = worker;
        this.uiThread = uiThread;
        this.answerWaitNanos = answerWait.toNanos();
        live.addListener((o, was, on) -> {
            if (on) {
                predictUnpredicted();
            }
        });
    }

    /** Live prediction was switched on: predicts the drawing on the pad unless it has been already. */
    private void predictUnpredicted() {
        Job last = latest;
        if (last == null || last.snapshot != drawing || last.predictor != predictor) {
            requestPrediction();
        }
    }

    // ----- what the pad tells -----

    /** A stroke began; {@code now} holds its first point. Predicts nothing yet, but stops a warm-up. */
    public void strokeStarted(Drawing now) {
        touched++;
        drawing = now;
    }

    /** The pen moved during a stroke: with live prediction, predicts the half-drawn stroke, throttled. */
    public void strokeMoved(Drawing now) {
        drawing = now;
        if (live.get()) {
            long time = System.nanoTime();
            if (time - lastLiveRequest >= LIVE_INTERVAL_NANOS) {
                lastLiveRequest = time;
                requestPrediction(false);
            }
        }
    }

    /** A stroke ended: with live prediction, predicts it, or waits for the live prediction that already has it. */
    public void strokeEnded(Drawing now) {
        drawing = now;
        if (!live.get()) {
            return;
        }
        Job last = latest;
        if (last != null && last.snapshot == drawing && last.predictor == predictor) {
            // The pen did not move since the last live request: its answer is this stroke's.
            awaitBriefly(last);
        } else {
            requestPrediction();
        }
    }

    /** The drawing changed at once (undo, redo, clear, a loaded image): predicts it, live or not. */
    public void replaced(Drawing now) {
        drawing = now;
        requestPrediction();
    }

    /** Predicts the drawing now (Enter, the Predict button); with live prediction this happens by itself. */
    public void predictNow() {
        requestPrediction();
    }

    // ----- the predictor -----

    /**
     * Uses {@code predictor} from now on (null while there is none, and then {@code waitingMessage} says why), and
     * predicts the drawing with it.
     */
    public void setPredictor(Predictor predictor, String waitingMessage) {
        this.predictor = predictor;
        waitingFor.set(predictor == null ? waitingMessage : null);
        requestPrediction();
    }

    /**
     * Runs a {@link WarmUp} with the current predictor in the background. For a server in this process only, since a
     * remote one would get thousands of calls. Besides its own limits, it stops when the predictor changes and as
     * soon as the pad is used, so it never delays the person.
     */
    public void warmUp() {
        Predictor p = predictor;
        if (p == null) {
            return;
        }
        long since = touched;
        try {
            worker.execute(() -> {
                int runs = WarmUp.run(p, () -> touched == since && predictor == p);
                LOG.debug("Warmed up the prediction path with {} predictions", runs);
            });
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    // ----- scheduling -----

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
        Job job = new Job(drawing, predictor, ++requested);
        latest = job;
        if (job.snapshot.isBlank()) {
            shown = job.seq;
            publish(PredictionResult.of(job.snapshot), null);
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

    /** One prediction of one drawing: computed on the worker, finished (counted and shown) once, on the UI thread. */
    private final class Job {
        final Drawing snapshot;
        final Predictor predictor;
        final long seq;
        final CompletableFuture<PredictionPath.Outcome> outcome = new CompletableFuture<>();
        /** Whether the UI thread has counted it done; read and written on the UI thread only. */
        boolean finished;

        Job(Drawing snapshot, Predictor predictor, long seq) {
            this.snapshot = snapshot;
            this.predictor = predictor;
            this.seq = seq;
        }

        void run() {
            long start = System.nanoTime();
            PredictionPath.Outcome done = PredictionPath.run(snapshot, predictor);
            lastAnswerNanos = System.nanoTime() - start;
            outcome.complete(done);
            uiThread.accept(() -> finish(this, done));
        }
    }

    /** Counts {@code job} done and shows its outcome unless a newer one is shown; once per job, on the UI thread. */
    private void finish(Job job, PredictionPath.Outcome done) {
        if (job.finished) {
            return;
        }
        job.finished = true;
        inFlight--;
        busy.set(inFlight > 0);
        if (job.seq > shown) {
            shown = job.seq;
            publish(done.result(), done.error() == null ? done.failure() : null);
            if (done.called() && job.predictor == predictor) {
                onCallEnded.accept(done.error());
            }
        }
        if (pending && inFlight < MAX_IN_FLIGHT) {
            pending = false;
            requestPrediction();
        }
    }

    /** Shows {@code r}; reports {@code failure} unless it is the one reported last, with no success since. */
    private void publish(PredictionResult r, Problem failure) {
        result.set(r);
        if (failure != null && !failure.message().equals(lastFailure)) {
            lastFailure = failure.message();
            problem.set(failure);
        } else if (failure == null && r.prediction().isPresent()) {
            lastFailure = null;
        }
    }

    /**
     * Tells {@code listener}, on the UI thread, how each call to the current predictor whose result is shown ended:
     * with null when it was answered, else with the predictor's failure. Those failures are not {@link
     * #problemProperty() problems} of the scheduler: the server's health (see {@link ConnectionHealth}) decides what
     * the person is told, so that a server that is down is one notification, not one per call.
     */
    public void setOnCallEnded(Consumer<PredictionException> listener) {
        onCallEnded = listener == null ? e -> {} : listener;
    }

    // ----- properties -----

    /**
     * Whether strokes are predicted while drawn and when they end; when off, only Enter (and undo, redo...) do.
     * Switching it on predicts the drawing on the pad, if it was drawn while it was off.
     */
    public BooleanProperty liveProperty() {
        return live;
    }
    /** The latest prediction shown: never one older than the one before it. */
    public ReadOnlyObjectProperty<PredictionResult> resultProperty() {
        return result.getReadOnlyProperty();
    }
    /** Whether a prediction is running. */
    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }
    /**
     * A failure to predict that is not the predictor's (those go to {@link #setOnCallEnded}), for the person to see,
     * each once until a prediction succeeds; a warm-up's failures are not reported.
     */
    public ReadOnlyObjectProperty<Problem> problemProperty() {
        return problem.getReadOnlyProperty();
    }
    /** What predictions wait for while there is no predictor ("Loading the model…"); null while there is one. */
    public ReadOnlyStringProperty waitingForProperty() {
        return waitingFor.getReadOnlyProperty();
    }
}
