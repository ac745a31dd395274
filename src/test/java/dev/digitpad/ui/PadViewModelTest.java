package dev.digitpad.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.client.Prediction;
import dev.digitpad.client.PredictionException;
import dev.digitpad.testing.DigitSketches;
import dev.digitpad.testing.Distributions;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;

/** The pad's view model without the FX thread: work runs at once (a direct executor), or when the test says. */
class PadViewModelTest {
    private final List<float[]> sent = new ArrayList<>();
    private float[] answer = Distributions.probabilities(7, 0.9f);

    private final PadViewModel vm = new PadViewModel(Runnable::run, Runnable::run);

    private Prediction predict(float[] pixels) {
        sent.add(pixels);
        return new Prediction(answer, false, "mnist", 1, Duration.ofMillis(3));
    }

    private void drawSeven() {
        vm.beginStroke(60, 50);
        vm.extendStroke(220, 50);
        vm.extendStroke(130, 250);
        vm.endStroke();
    }

    @Test
    void anEmptyPadAsksForADigitAndSendsNothing() {
        vm.setPredictor(this::predict, "");
        assertThat(vm.headlineProperty().get()).isEqualTo("Draw a digit");
        vm.predictNow();
        assertThat(sent).isEmpty();
        assertThat(vm.resultProperty().get().tensor()).isEmpty();
    }

    @Test
    void aStrokeEndSendsTheNormalisedTensorAndShowsTheAnswer() {
        vm.setPredictor(this::predict, "");
        drawSeven();
        assertThat(sent).isNotEmpty();
        float[] tensor = sent.getLast();
        assertThat(tensor).hasSize(784);
        assertThat(vm.resultProperty().get().tensor()).get().isEqualTo(tensor);
        float max = 0;
        for (float v : tensor) {
            max = Math.max(max, v);
        }
        assertThat(max).isEqualTo(1f);
        assertThat(vm.headlineProperty().get()).isEqualTo("7");
        assertThat(vm.detailProperty().get()).isEqualTo("90% sure");
    }

    @Test
    void belowTheThresholdItIsNotSure() {
        answer = Distributions.probabilities(3, 0.4f);
        vm.setPredictor(this::predict, "");
        drawSeven();
        assertThat(vm.headlineProperty().get()).isEqualTo("Not sure");
        assertThat(vm.detailProperty().get()).isEqualTo("Maybe 3 (40%)");
        vm.thresholdProperty().set(0.3);
        assertThat(vm.headlineProperty().get()).isEqualTo("3");
    }

    @Test
    void aDotIsTooSmallToBeADigitAndIsNotSent() {
        vm.setPredictor(this::predict, "");
        vm.beginStroke(140, 140); // a tap: one point, pen 22
        vm.endStroke();
        assertThat(sent).as("a dot is not sent to the model").isEmpty();
        assertThat(vm.resultProperty().get().tooSmall()).isTrue();
        assertThat(vm.resultProperty().get().tensor()).isEmpty();
        assertThat(vm.headlineProperty().get()).isEqualTo("Too small");
        assertThat(vm.detailProperty().get()).contains("larger");

        vm.beginStroke(140, 100); // a short line down from the dot: a small "1", but a digit
        vm.extendStroke(140, 160);
        vm.endStroke();
        assertThat(sent).isNotEmpty();
        assertThat(vm.resultProperty().get().tooSmall()).isFalse();
        assertThat(vm.headlineProperty().get()).isEqualTo("7");
    }

    @Test
    void aThinPenMakesSmallDigitsReadableButNotSpecks() {
        vm.setPredictor(this::predict, "");
        vm.penWidthProperty().set(6);
        vm.beginStroke(100, 100); // a speck 14 units long: under a tenth of the pad
        vm.extendStroke(108, 106);
        vm.endStroke();
        assertThat(sent).isEmpty();
        assertThat(vm.headlineProperty().get()).isEqualTo("Too small");

        vm.clear();
        vm.beginStroke(100, 100); // a 7 forty units tall
        vm.extendStroke(130, 100);
        vm.extendStroke(112, 140);
        vm.endStroke();
        assertThat(sent).isNotEmpty();
        assertThat(vm.headlineProperty().get()).isEqualTo("7");
    }

    @Test
    void undoRedoAndClearWorkPerStroke() {
        vm.setPredictor(this::predict, "");
        assertThat(vm.canUndoProperty().get()).isFalse();
        drawSeven();
        vm.beginStroke(100, 150);
        vm.extendStroke(180, 150);
        vm.endStroke();
        assertThat(vm.drawingProperty().get().strokes()).hasSize(2);
        vm.undo();
        assertThat(vm.drawingProperty().get().strokes()).hasSize(1);
        assertThat(vm.canRedoProperty().get()).isTrue();
        vm.redo();
        assertThat(vm.drawingProperty().get().strokes()).hasSize(2);
        vm.clear();
        assertThat(vm.drawingProperty().get().isBlank()).isTrue();
        assertThat(vm.headlineProperty().get()).isEqualTo("Draw a digit");
        vm.undo();
        assertThat(vm.drawingProperty().get().strokes()).hasSize(2);
        vm.undo();
        vm.undo();
        assertThat(vm.drawingProperty().get().isBlank()).isTrue();
        assertThat(vm.canUndoProperty().get()).isFalse();
        vm.beginStroke(10, 10);
        vm.endStroke();
        assertThat(vm.canRedoProperty().get()).as("a new stroke drops the redo history").isFalse();
    }

    @Test
    void strokesKeepThePenWidthAndEraserOfTheirTime() {
        vm.penWidthProperty().set(30);
        drawSeven();
        vm.eraserProperty().set(true);
        vm.penWidthProperty().set(10);
        vm.beginStroke(100, 100);
        vm.endStroke();
        List<Stroke> strokes = vm.drawingProperty().get().strokes();
        assertThat(strokes.get(0).width()).isEqualTo(30);
        assertThat(strokes.get(0).eraser()).isFalse();
        assertThat(strokes.get(1).width()).isEqualTo(10);
        assertThat(strokes.get(1).eraser()).isTrue();
    }

    @Test
    void withLivePredictionOffOnlyPredictNowSends() {
        vm.setPredictor(this::predict, "");
        vm.liveProperty().set(false);
        drawSeven();
        assertThat(sent).isEmpty();
        vm.predictNow();
        assertThat(sent).hasSize(1);
        assertThat(vm.headlineProperty().get()).isEqualTo("7");
    }

    @Test
    void aFailedPredictionReportsTheClientsMessageAndKeepsTheDrawing() {
        vm.setPredictor(pixels -> {
            throw new PredictionException(Status.Code.UNAVAILABLE, "No server is listening at localhost:1. Start it, or check the address.");
        }, "");
        drawSeven();
        assertThat(vm.problemProperty().get().message()).contains("No server is listening at localhost:1");
        assertThat(vm.headlineProperty().get()).isEqualTo("–");
        assertThat(vm.drawingProperty().get().strokes()).hasSize(1);
        vm.setPredictor(this::predict, "");
        assertThat(vm.headlineProperty().get()).as("a working server again").isEqualTo("7");
    }

    @Test
    void withoutAServerYetItSaysWhatItIsWaitingFor() {
        vm.setPredictor(null, "Loading the model…");
        drawSeven();
        assertThat(vm.resultProperty().get().tensor()).isPresent();
        assertThat(vm.detailProperty().get()).isEqualTo("Loading the model…");
    }

    @Test
    void aLoadedImageIsShownUndoablyAndPredicted() {
        vm.setPredictor(this::predict, "");
        vm.load(DigitSketches.draw(0, 50, 30, 210, 22, false)); // light ink on dark
        Drawing d = vm.drawingProperty().get();
        assertThat(d.background()).isPresent();
        assertThat(d.render().getRGB(5, 5) & 0xffffff).as("shown dark on light").isEqualTo(0xffffff);
        assertThat(sent).hasSize(1);
        vm.undo();
        assertThat(vm.drawingProperty().get().isBlank()).isTrue();
    }

    @Test
    void anImageWithoutInkIsNotANoisyPrediction() {
        vm.setPredictor(this::predict, "");
        vm.load(new java.awt.image.BufferedImage(50, 50, java.awt.image.BufferedImage.TYPE_INT_RGB));
        assertThat(sent).isEmpty();
        assertThat(vm.headlineProperty().get()).isEqualTo("Draw a digit");
        assertThat(vm.detailProperty().get()).contains("no ink");
    }

    @Test
    void predictionsDoNotPileUpAndStaleResultsAreDropped() {
        List<Runnable> queued = new ArrayList<>();
        PadViewModel slow = new PadViewModel(queued::add, Runnable::run);
        slow.setPredictor(this::predict, "");
        for (int i = 0; i < 4; i++) {
            slow.beginStroke(60, 50 + 40 * i);
            slow.endStroke();
        }
        assertThat(queued).as("two run at once, the rest collapse into one").hasSize(PadViewModel.MAX_IN_FLIGHT);
        assertThat(slow.busyProperty().get()).isTrue();
        Runnable first = queued.remove(0);
        queued.remove(0).run(); // the second finishes first: shown, and the collapsed request starts
        assertThat(slow.resultProperty().get().drawing().strokes()).hasSize(2);
        assertThat(queued).hasSize(1);
        first.run();
        assertThat(slow.resultProperty().get().drawing().strokes()).as("the older result is dropped").hasSize(2);
        queued.remove(0).run();
        assertThat(slow.resultProperty().get().drawing().strokes()).as("the latest drawing").hasSize(4);
        assertThat(queued).isEmpty();
        assertThat(sent).as("three ran; the first, a single dot, was too small to send").hasSize(2);
        assertThat(slow.busyProperty().get()).isFalse();
    }

    @Test
    void duringAStrokeOnlyOneLivePredictionRunsAndTheStrokeEndDoesNotWaitForIt() {
        List<Runnable> queued = new ArrayList<>();
        PadViewModel slow = new PadViewModel(queued::add, Runnable::run);
        slow.setPredictor(this::predict, "");
        slow.beginStroke(60, 50);
        slow.extendStroke(220, 50);
        assertThat(queued).as("a live prediction of the half-drawn stroke").hasSize(1);
        slow.extendStroke(130, 250);
        slow.extendStroke(130, 260);
        assertThat(queued).as("the next live one waits").hasSize(1);
        slow.endStroke();
        assertThat(queued).as("the stroke end starts at once").hasSize(2);
        queued.remove(1).run();
        assertThat(slow.resultProperty().get().drawing().strokes().getFirst().points()).isEqualTo(4);
        queued.remove(0).run();
        assertThat(slow.resultProperty().get().drawing().strokes().getFirst().points()).isEqualTo(4);
        assertThat(queued).as("the waiting live request was superseded by the stroke end").isEmpty();
        assertThat(sent).as("the live prediction and the stroke end's").hasSize(2);
    }

    @Test
    void aStrokeEndWithoutMovementSinceTheLastLivePredictionWaitsForThatOne() {
        List<Runnable> queued = new ArrayList<>();
        PadViewModel slow = new PadViewModel(queued::add, Runnable::run);
        slow.setPredictor(this::predict, "");
        slow.beginStroke(60, 50);
        slow.extendStroke(220, 50);
        slow.endStroke();
        assertThat(queued).as("the live prediction already has the finished stroke").hasSize(1);
        queued.remove(0).run();
        assertThat(slow.resultProperty().get().drawing()).isSameAs(slow.drawingProperty().get());
        assertThat(slow.busyProperty().get()).isFalse();
        assertThat(sent).hasSize(1);
    }

    /** The UI thread's queue, run only when the test says: what the FX thread would run after the current event. */
    private final Queue<Runnable> later = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private static void awaitNonEmpty(Queue<?> queue) throws InterruptedException {
        while (queue.isEmpty()) {
            Thread.sleep(1);
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void whileAnswersComeFastAStrokeEndsAnswerIsShownBeforeTheUiThreadMovesOn() throws InterruptedException {
        var worker = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            PadViewModel waiting = new PadViewModel(worker, later::add, Duration.ofSeconds(10));
            waiting.setPredictor(this::predict, "");
            waiting.beginStroke(60, 50);
            waiting.endStroke();
            awaitNonEmpty(later);
            later.poll().run();
            assertThat(waiting.resultProperty().get().drawing().strokes()).hasSize(1);

            answer = Distributions.probabilities(3, 0.95f);
            waiting.beginStroke(60, 50);
            waiting.extendStroke(200, 200);
            waiting.endStroke();
            assertThat(waiting.resultProperty().get().drawing().strokes()).as("shown when endStroke returns").hasSize(2);
            assertThat(waiting.headlineProperty().get()).isEqualTo("3");
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
    @org.junit.jupiter.api.Timeout(30)
    void aSlowAnswerDoesNotHoldTheUiThread() throws InterruptedException {
        var worker = java.util.concurrent.Executors.newSingleThreadExecutor();
        var release = new java.util.concurrent.CountDownLatch(1);
        try {
            PadViewModel waiting = new PadViewModel(worker, later::add, Duration.ofMillis(50));
            waiting.setPredictor(pixels -> {
                if (sent.size() == 1) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return predict(pixels);
            }, "");
            waiting.beginStroke(60, 50);
            waiting.extendStroke(220, 50);
            waiting.endStroke(); // the first answer is fast
            awaitNonEmpty(later);
            later.poll().run();
            waiting.beginStroke(130, 60);
            waiting.extendStroke(130, 250);
            waiting.endStroke(); // this one blocks until released: endStroke returns anyway
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

    @Test
    void aWarmUpPredictsASampleInTheBackgroundShowsNothingAndStopsWhenThePadIsUsed() {
        List<Runnable> queued = new ArrayList<>();
        PadViewModel warming = new PadViewModel(queued::add, Runnable::run);
        warming.setPredictor(pixels -> {
            if (sent.size() == 4) {
                warming.beginStroke(60, 50); // the person starts drawing during the fifth prediction
            }
            return predict(pixels);
        }, "");
        warming.warmUp();
        assertThat(queued).hasSize(1);
        queued.remove(0).run();
        assertThat(sent).as("it stopped after the prediction during which the pad was used").hasSize(5);
        assertThat(sent.getFirst()).as("a real drawing's tensor").matches(t -> max(t) > 0.9f);
        assertThat(warming.resultProperty().get().drawing().isBlank()).as("nothing shown").isTrue();
        assertThat(warming.headlineProperty().get()).isEqualTo("Draw a digit");
        assertThat(warming.busyProperty().get()).isFalse();
    }

    @Test
    void aWarmUpStopsAtTheFirstFailure() {
        List<Runnable> queued = new ArrayList<>();
        PadViewModel warming = new PadViewModel(queued::add, Runnable::run);
        warming.setPredictor(pixels -> {
            sent.add(pixels);
            throw new PredictionException(Status.Code.UNAVAILABLE, "gone");
        }, "");
        warming.warmUp();
        queued.remove(0).run();
        assertThat(sent).hasSize(1);
        assertThat(warming.problemProperty().get()).as("a warm-up's failure is not the person's").isNull();
    }

    private static float max(float[] values) {
        float m = 0;
        for (float v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
}
