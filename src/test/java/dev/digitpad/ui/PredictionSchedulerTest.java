package dev.digitpad.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.client.Prediction;
import dev.digitpad.client.PredictionException;
import dev.digitpad.testing.Distributions;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When the pad's drawing is sent to the model, and which answers are shown, without the FX thread. The test tells the
 * scheduler of drawings as the pad would; work runs at once (a direct executor), when the test says (a list of queued
 * tasks), or on a real worker thread.
 */
class PredictionSchedulerTest {
    private final List<float[]> sent = new ArrayList<>();
    private float[] answer = Distributions.probabilities(7, 0.9f);

    private final PredictionScheduler scheduler = new PredictionScheduler(Runnable::run, Runnable::run);
    private final PredictionViewModel shown = new PredictionViewModel(scheduler);

    private Prediction predict(float[] pixels) {
        sent.add(pixels);
        return new Prediction(answer, false, "mnist", 1, Duration.ofMillis(3));
    }

    /** A pen stroke of the default width through {@code xy} (x and y interleaved). */
    private static Stroke stroke(double... xy) {
        return new Stroke(xy, 22, false);
    }

    /**
     * Draws a stroke through {@code xy} on {@code before} as the pad does: tells {@code s} of its first point, of each
     * further point, and of its end. Returns the drawing with the finished stroke.
     */
    private static Drawing draw(PredictionScheduler s, Drawing before, double... xy) {
        Drawing now = before.with(stroke(xy[0], xy[1]));
        s.strokeStarted(now);
        for (int i = 2; i < xy.length; i += 2) {
            now = before.with(stroke(Arrays.copyOf(xy, i + 2)));
            s.strokeMoved(now);
        }
        s.strokeEnded(now);
        return now;
    }

    private static Drawing drawSeven(PredictionScheduler s) {
        return draw(s, Drawing.EMPTY, 60, 50, 220, 50, 130, 250);
    }

    /** What the scheduler showed, in order. */
    private static List<Drawing> shownDrawings(PredictionScheduler s) {
        List<Drawing> drawings = new ArrayList<>();
        s.resultProperty().addListener((o, a, r) -> drawings.add(r.drawing()));
        return drawings;
    }

    // ----- live and manual -----

    @Test
    void withLivePredictionOffOnlyPredictNowSends() {
        scheduler.setPredictor(this::predict, "");
        scheduler.liveProperty().set(false);
        drawSeven(scheduler);
        assertThat(sent).isEmpty();
        scheduler.predictNow();
        assertThat(sent).hasSize(1);
        assertThat(shown.headlineProperty().get()).isEqualTo("7");
    }

    @Test
    void withLivePredictionOnAStrokeIsPredictedWhileDrawnAndAtItsEnd() {
        List<Drawing> drawings = shownDrawings(scheduler);
        scheduler.setPredictor(this::predict, "");
        Drawing half = Drawing.EMPTY.with(stroke(60, 50, 220, 50));
        scheduler.strokeStarted(Drawing.EMPTY.with(stroke(60, 50)));
        assertThat(sent).as("a stroke's first point is not predicted").isEmpty();
        scheduler.strokeMoved(half);
        assertThat(drawings).as("the half-drawn stroke, live").containsExactly(half);
        Drawing seven = Drawing.EMPTY.with(stroke(60, 50, 220, 50, 130, 250));
        scheduler.strokeMoved(seven); // within the live interval, or predicted now: either way it is shown once
        scheduler.strokeEnded(seven);
        assertThat(drawings).as("and the finished one").containsExactly(half, seven);
        assertThat(sent).hasSize(2);
    }

    @Test
    void withLivePredictionOffUndoRedoClearAndImagesArePredictedAnyway() {
        scheduler.setPredictor(this::predict, "");
        scheduler.liveProperty().set(false);
        Drawing seven = drawSeven(scheduler);
        assertThat(sent).isEmpty();
        scheduler.replaced(seven); // as undo, redo, clear or a loaded image tell it
        assertThat(sent).hasSize(1);
        assertThat(scheduler.resultProperty().get().drawing()).isSameAs(seven);
    }

    @Test
    void switchingLivePredictionOnPredictsTheDrawingMadeWhileItWasOff() {
        scheduler.setPredictor(this::predict, "");
        scheduler.liveProperty().set(false);
        Drawing seven = drawSeven(scheduler);
        assertThat(sent).isEmpty();
        scheduler.liveProperty().set(true);
        assertThat(sent).as("the drawing already on the pad").hasSize(1);
        assertThat(scheduler.resultProperty().get().drawing()).isSameAs(seven);
        assertThat(shown.headlineProperty().get()).isEqualTo("7");

        scheduler.liveProperty().set(false);
        scheduler.liveProperty().set(true);
        assertThat(sent).as("a drawing already predicted is not sent again").hasSize(1);
    }

    // ----- superseding and coalescing -----

    @Test
    void aNewStrokeSupersedesARequestInFlightAndTheStaleAnswerIsNeverShown() {
        List<Runnable> queued = new ArrayList<>();
        PredictionScheduler slow = new PredictionScheduler(queued::add, Runnable::run);
        List<Drawing> drawings = shownDrawings(slow);
        slow.setPredictor(this::predict, "");
        slow.liveProperty().set(false);
        Drawing first = Drawing.EMPTY.with(stroke(60, 50, 220, 50, 130, 250));
        slow.replaced(first);
        Drawing second = first.with(stroke(100, 150, 180, 150));
        slow.replaced(second);
        assertThat(queued).hasSize(2);
        queued.remove(1).run(); // the newer answer comes first
        queued.remove(0).run(); // the stale one after it
        assertThat(drawings).as("only the newer drawing was shown").containsExactly(second);
        assertThat(slow.resultProperty().get().drawing()).isSameAs(second);
        assertThat(sent).as("both were computed").hasSize(2);
        assertThat(slow.busyProperty().get()).isFalse();
    }

    @Test
    void predictionsDoNotPileUpAndStaleResultsAreDropped() {
        List<Runnable> queued = new ArrayList<>();
        PredictionScheduler slow = new PredictionScheduler(queued::add, Runnable::run);
        slow.setPredictor(this::predict, "");
        Drawing drawing = Drawing.EMPTY;
        for (int i = 0; i < 4; i++) {
            drawing = draw(slow, drawing, 60, 50 + 40 * i);
        }
        assertThat(queued).as("two run at once, the rest collapse into one").hasSize(PredictionScheduler.MAX_IN_FLIGHT);
        assertThat(slow.busyProperty().get()).isTrue();
        Runnable first = queued.remove(0);
        queued.remove(0).run(); // the second finishes first: shown, and the collapsed request starts
        assertThat(slow.resultProperty().get().drawing().strokes()).hasSize(2);
        assertThat(queued).hasSize(1);
        first.run();
        assertThat(slow.resultProperty().get().drawing().strokes())
                .as("the older result is dropped")
                .hasSize(2);
        queued.remove(0).run();
        assertThat(slow.resultProperty().get().drawing().strokes())
                .as("the latest drawing")
                .hasSize(4);
        assertThat(queued).isEmpty();
        assertThat(sent)
                .as("three ran; the first, a single dot, was too small to send")
                .hasSize(2);
        assertThat(slow.busyProperty().get()).isFalse();
    }

    @Test
    void liveRequestsWhileOneRunsCollapseIntoOneWithTheLatestDrawing() throws InterruptedException {
        List<Runnable> queued = new ArrayList<>();
        PredictionScheduler slow = new PredictionScheduler(queued::add, Runnable::run);
        slow.setPredictor(this::predict, "");
        slow.strokeStarted(Drawing.EMPTY.with(stroke(60, 50)));
        slow.strokeMoved(Drawing.EMPTY.with(stroke(60, 50, 220, 50)));
        assertThat(queued).hasSize(1);
        Drawing latest = null;
        for (int y = 100; y <= 250; y += 50) {
            Thread.sleep(PredictionScheduler.LIVE_INTERVAL_NANOS / 1_000_000 + 5); // past the live throttle
            latest = Drawing.EMPTY.with(stroke(60, 50, 220, 50, 130, y));
            slow.strokeMoved(latest);
        }
        assertThat(queued).as("live requests wait while one runs").hasSize(1);
        queued.remove(0).run();
        assertThat(queued)
                .as("they collapsed into one, started when the first finished")
                .hasSize(1);
        queued.remove(0).run();
        assertThat(slow.resultProperty().get().drawing())
                .as("with the latest drawing")
                .isSameAs(latest);
        assertThat(queued).isEmpty();
        assertThat(sent).hasSize(2);
    }

    @Test
    void duringAStrokeOnlyOneLivePredictionRunsAndTheStrokeEndDoesNotWaitForIt() {
        List<Runnable> queued = new ArrayList<>();
        PredictionScheduler slow = new PredictionScheduler(queued::add, Runnable::run);
        slow.setPredictor(this::predict, "");
        slow.strokeStarted(Drawing.EMPTY.with(stroke(60, 50)));
        slow.strokeMoved(Drawing.EMPTY.with(stroke(60, 50, 220, 50)));
        assertThat(queued).as("a live prediction of the half-drawn stroke").hasSize(1);
        slow.strokeMoved(Drawing.EMPTY.with(stroke(60, 50, 220, 50, 130, 250)));
        Drawing finished = Drawing.EMPTY.with(stroke(60, 50, 220, 50, 130, 250, 130, 260));
        slow.strokeMoved(finished);
        assertThat(queued).as("the next live one waits").hasSize(1);
        slow.strokeEnded(finished);
        assertThat(queued).as("the stroke end starts at once").hasSize(2);
        queued.remove(1).run();
        assertThat(slow.resultProperty().get().drawing().strokes().getFirst().points())
                .isEqualTo(4);
        queued.remove(0).run();
        assertThat(slow.resultProperty().get().drawing().strokes().getFirst().points())
                .isEqualTo(4);
        assertThat(queued)
                .as("the waiting live request was superseded by the stroke end")
                .isEmpty();
        assertThat(sent).as("the live prediction and the stroke end's").hasSize(2);
    }

    @Test
    void aStrokeEndWithoutMovementSinceTheLastLivePredictionWaitsForThatOne() {
        List<Runnable> queued = new ArrayList<>();
        PredictionScheduler slow = new PredictionScheduler(queued::add, Runnable::run);
        slow.setPredictor(this::predict, "");
        Drawing drawn = draw(slow, Drawing.EMPTY, 60, 50, 220, 50);
        assertThat(queued)
                .as("the live prediction already has the finished stroke")
                .hasSize(1);
        queued.remove(0).run();
        assertThat(slow.resultProperty().get().drawing()).isSameAs(drawn);
        assertThat(slow.busyProperty().get()).isFalse();
        assertThat(sent).hasSize(1);
    }

    // ----- waiting briefly for fast answers -----

    /** The UI thread's queue, run only when the test says: what the FX thread would run after the current event. */
    private final Queue<Runnable> later = new ConcurrentLinkedQueue<>();

    private static void awaitNonEmpty(Queue<?> queue) throws InterruptedException {
        while (queue.isEmpty()) {
            Thread.sleep(1);
        }
    }

    @Test
    @Timeout(30)
    void whileAnswersComeFastAStrokeEndsAnswerIsShownBeforeTheUiThreadMovesOn() throws InterruptedException {
        var worker = Executors.newSingleThreadExecutor();
        try {
            PredictionScheduler waiting = new PredictionScheduler(worker, later::add, Duration.ofSeconds(10));
            PredictionViewModel waitingShown = new PredictionViewModel(waiting);
            waiting.setPredictor(this::predict, "");
            Drawing drawing = draw(waiting, Drawing.EMPTY, 60, 50);
            awaitNonEmpty(later);
            later.poll().run();
            assertThat(waiting.resultProperty().get().drawing().strokes()).hasSize(1);

            answer = Distributions.probabilities(3, 0.95f);
            draw(waiting, drawing, 60, 50, 200, 200);
            assertThat(waiting.resultProperty().get().drawing().strokes())
                    .as("shown when endStroke returns")
                    .hasSize(2);
            assertThat(waitingShown.headlineProperty().get()).isEqualTo("3");
            assertThat(waiting.busyProperty().get()).isFalse();
            awaitNonEmpty(later);
            later.poll().run(); // the answer's own hand-over to the UI thread changes nothing now
            assertThat(waiting.resultProperty().get().drawing().strokes()).hasSize(2);
            assertThat(waiting.busyProperty().get()).isFalse();
        } finally {
            worker.shutdownNow();
        }
    }

    @Test
    @Timeout(30)
    void aSlowAnswerDoesNotHoldTheUiThread() throws InterruptedException {
        var worker = Executors.newSingleThreadExecutor();
        var release = new CountDownLatch(1);
        try {
            PredictionScheduler waiting = new PredictionScheduler(worker, later::add, Duration.ofMillis(50));
            waiting.setPredictor(
                    pixels -> {
                        if (sent.size() == 1) {
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        return predict(pixels);
                    },
                    "");
            Drawing drawing = draw(waiting, Drawing.EMPTY, 60, 50, 220, 50); // the first answer is fast
            awaitNonEmpty(later);
            later.poll().run();
            draw(waiting, drawing, 130, 60, 130, 250); // this one blocks until released: the stroke end returns anyway
            assertThat(waiting.resultProperty().get().drawing().strokes()).hasSize(1);
            assertThat(waiting.busyProperty().get()).isTrue();
            release.countDown();
            awaitNonEmpty(later);
            later.poll().run();
            assertThat(waiting.resultProperty().get().drawing().strokes()).hasSize(2);
            assertThat(waiting.busyProperty().get()).isFalse();
        } finally {
            release.countDown();
            worker.shutdownNow();
        }
    }

    // ----- errors -----

    @Test
    void aFailedCallIsToldToTheCallListenerNotAsAProblemAndKeepsTheDrawing() {
        List<PredictionException> calls = new ArrayList<>();
        scheduler.setOnCallEnded(calls::add);
        PredictionException down = new PredictionException(
                Status.Code.UNAVAILABLE, "No server is listening at localhost:1. Start it, or check the address.");
        scheduler.setPredictor(
                pixels -> {
                    throw down;
                },
                "");
        Drawing seven = drawSeven(scheduler);
        assertThat(calls).isNotEmpty().containsOnly(down);
        assertThat(scheduler.problemProperty().get())
                .as("the server's health tells the person, once per outage")
                .isNull();
        assertThat(shown.headlineProperty().get()).isEqualTo("–");
        assertThat(scheduler.resultProperty().get().drawing())
                .as("the drawing is still shown")
                .isSameAs(seven);
        assertThat(scheduler.resultProperty().get().drawing().strokes()).hasSize(1);
        scheduler.setPredictor(this::predict, "");
        assertThat(shown.headlineProperty().get()).as("a working server again").isEqualTo("7");
        assertThat(calls.getLast()).as("an answer is told as null").isNull();
    }

    @Test
    void anUnexpectedFailureIsReportedAsAProblemToo() {
        scheduler.setPredictor(
                pixels -> {
                    throw new IllegalStateException("broken");
                },
                "");
        drawSeven(scheduler);
        assertThat(scheduler.problemProperty().get().title()).isEqualTo("Prediction failed");
        assertThat(scheduler.problemProperty().get().message())
                .contains("broken")
                .contains("Server tab");
        assertThat(scheduler.busyProperty().get()).isFalse();
    }

    @Test
    void theSameUnexpectedFailureIsReportedOnceUntilAPredictionSucceeds() {
        List<Problem> problems = new ArrayList<>();
        scheduler.problemProperty().addListener((o, a, p) -> problems.add(p));
        scheduler.setPredictor(
                pixels -> {
                    throw new IllegalStateException("broken");
                },
                "");
        drawSeven(scheduler);
        drawSeven(scheduler);
        assertThat(problems).hasSize(1);
        scheduler.setPredictor(this::predict, "");
        scheduler.setPredictor(
                pixels -> {
                    throw new IllegalStateException("broken");
                },
                "");
        drawSeven(scheduler);
        assertThat(problems).as("after a success, the failure is news again").hasSize(2);
    }

    // ----- warm-up -----

    @Test
    void aWarmUpPredictsASampleInTheBackgroundShowsNothingAndStopsWhenThePadIsUsed() {
        List<Runnable> queued = new ArrayList<>();
        PredictionScheduler warming = new PredictionScheduler(queued::add, Runnable::run);
        PredictionViewModel warmingShown = new PredictionViewModel(warming);
        warming.setPredictor(
                pixels -> {
                    if (sent.size() == 4) {
                        warming.strokeStarted(Drawing.EMPTY.with(
                                stroke(60, 50))); // the person starts drawing during the fifth prediction
                    }
                    return predict(pixels);
                },
                "");
        warming.warmUp();
        assertThat(queued).hasSize(1);
        queued.remove(0).run();
        assertThat(sent)
                .as("it stopped after the prediction during which the pad was used")
                .hasSize(5);
        assertThat(sent.getFirst()).as("a real drawing's tensor").matches(t -> max(t) > 0.9f);
        assertThat(warming.resultProperty().get().drawing().isBlank())
                .as("nothing shown")
                .isTrue();
        assertThat(warmingShown.headlineProperty().get()).isEqualTo("Draw a digit");
        assertThat(warming.busyProperty().get()).isFalse();
    }

    @Test
    void aWarmUpStopsAtTheFirstFailure() {
        List<Runnable> queued = new ArrayList<>();
        PredictionScheduler warming = new PredictionScheduler(queued::add, Runnable::run);
        warming.setPredictor(
                pixels -> {
                    sent.add(pixels);
                    throw new PredictionException(Status.Code.UNAVAILABLE, "gone");
                },
                "");
        warming.warmUp();
        queued.remove(0).run();
        assertThat(sent).hasSize(1);
        assertThat(warming.problemProperty().get())
                .as("a warm-up's failure is not the person's")
                .isNull();
    }

    @Test
    void aWarmUpStopsWhenThePredictorChanges() {
        List<Runnable> queued = new ArrayList<>();
        PredictionScheduler warming = new PredictionScheduler(queued::add, Runnable::run);
        warming.setPredictor(
                pixels -> {
                    if (sent.size() == 2) {
                        warming.setPredictor(null, "Not connected to a server."); // the session closes during the third
                    }
                    return predict(pixels);
                },
                "");
        warming.warmUp();
        queued.remove(0).run();
        assertThat(sent).hasSize(3);
    }

    @Test
    void withoutAPredictorThereIsNoWarmUp() {
        List<Runnable> queued = new ArrayList<>();
        PredictionScheduler warming = new PredictionScheduler(queued::add, Runnable::run);
        warming.warmUp();
        assertThat(queued).isEmpty();
    }

    private static float max(float[] values) {
        float m = 0;
        for (float v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
}
