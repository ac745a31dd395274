package dev.digitpad.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.digitpad.client.OcclusionMap;
import dev.digitpad.client.Prediction;
import dev.digitpad.client.PredictionException;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * View &gt; Why's view model without the FX thread: predictions answer at once, and the maps' worker runs its tasks
 * when the test says, so that a test can change the drawing while a map is being worked out.
 */
class WhyViewModelTest {
    /** Tasks given to the maps' worker, run by {@link #runMaps()}. */
    private final Deque<Runnable> mapTasks = new ArrayDeque<>();

    private final Executor mapWorker = mapTasks::add;
    private final PredictionScheduler scheduler = new PredictionScheduler(Runnable::run, Runnable::run);
    private final PadViewModel pad = new PadViewModel(scheduler);
    private final WhyViewModel why = new WhyViewModel(scheduler, pad, mapWorker, Runnable::run);
    /** The pixels each map was asked for, and its cancel signal. */
    private final List<float[]> asked = new ArrayList<>();

    private final List<BooleanSupplier> cancels = new ArrayList<>();

    WhyViewModelTest() {
        scheduler.setPredictor(pixels -> prediction(3), "");
    }

    private static Prediction prediction(int top) {
        float[] p = new float[10];
        java.util.Arrays.fill(p, 0.02f);
        p[top] = 0.82f;
        return new Prediction(p, false, "mnist", 1, Duration.ofMillis(1));
    }

    /** A map whose digit k has the value k + 1 everywhere, from two calls. */
    private static OcclusionMap map(float[] baseline) {
        float[][] drops = new float[10][784];
        for (int k = 0; k < 10; k++) {
            java.util.Arrays.fill(drops[k], k + 1);
        }
        return new OcclusionMap(baseline, drops, 2, 70, Duration.ofMillis(40));
    }

    private final Explainer explainer = (pixels, cancelled) -> {
        asked.add(pixels);
        cancels.add(cancelled);
        return map(prediction(3).probabilities());
    };

    private void drawSeven() {
        pad.beginStroke(60, 50);
        pad.extendStroke(220, 50);
        pad.extendStroke(130, 250);
        pad.endStroke();
    }

    private void runMaps() {
        while (!mapTasks.isEmpty()) {
            mapTasks.poll().run();
        }
    }

    @Test
    void offMeansNoMapAndNoCall() {
        why.setExplainer(explainer);
        drawSeven();
        runMaps();

        assertThat(asked).isEmpty();
        assertThat(why.shownProperty().get()).isNull();
        assertThat(why.statusProperty().get()).isEmpty();
    }

    @Test
    void theTopDigitsMapOfTheAnswerOnScreenThenAClickedDigitsWithoutACall() {
        why.setExplainer(explainer);
        why.enabledProperty().set(true);
        drawSeven();

        assertThat(why.workingProperty().get()).isTrue();
        assertThat(why.statusProperty().get()).isEqualTo("Working out why…");
        runMaps();

        PredictionResult shown = scheduler.resultProperty().get();
        assertThat(asked).hasSize(1);
        assertThat(asked.getFirst()).isSameAs(shown.tensor().orElseThrow());
        WhyViewModel.Shown s = why.shownProperty().get();
        assertThat(s.digit()).isEqualTo(3);
        assertThat(s.tensor()).isSameAs(shown.tensor().orElseThrow());
        assertThat(s.map()).containsOnly(4f);
        assertThat(why.workingProperty().get()).isFalse();
        assertThat(why.statusProperty().get()).isEqualTo("Why 3: red for it, blue against · 70 images, 2 calls, 40 ms");

        why.choose(8);
        assertThat(why.shownProperty().get().map()).containsOnly(9f);
        assertThat(why.shownProperty().get().digit()).isEqualTo(8);
        assertThat(why.digitProperty().get()).isEqualTo(8);
        assertThat(asked).hasSize(1);
        assertThatThrownBy(() -> why.choose(10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void liveAnswersDuringAStrokeGetNoMapTheStrokesAnswerDoesAtPenUp() {
        why.setExplainer(explainer);
        why.enabledProperty().set(true);
        pad.beginStroke(60, 50);
        pad.extendStroke(220, 50);
        pad.extendStroke(130, 250);

        assertThat(scheduler.resultProperty().get().prediction())
                .as("a live answer")
                .isPresent();
        assertThat(mapTasks).isEmpty();
        assertThat(why.workingProperty().get()).isFalse();

        pad.endStroke();
        assertThat(mapTasks).hasSize(1);
        runMaps();
        assertThat(why.shownProperty().get().tensor())
                .isSameAs(scheduler.resultProperty().get().tensor().orElseThrow());
        assertThat(scheduler.resultProperty().get().drawing())
                .isSameAs(pad.drawingProperty().get());
    }

    @Test
    void aDigitClickedBeforeTheMapIsReadyIsTheOneShownAndANewAnswerGoesBackToTheTop() {
        why.setExplainer(explainer);
        why.enabledProperty().set(true);
        drawSeven();
        why.choose(5);
        runMaps();
        assertThat(why.shownProperty().get().digit()).isEqualTo(5);

        pad.clear();
        pad.undo();
        runMaps();
        assertThat(why.digitProperty().get()).isEqualTo(-1);
        assertThat(why.shownProperty().get().digit()).isEqualTo(3);
    }

    @Test
    void aNewDrawingCancelsTheMapBeingWorkedOutWhichIsNeverShown() {
        why.setExplainer(explainer);
        why.enabledProperty().set(true);
        drawSeven();
        Runnable firstMap = mapTasks.poll();
        List<WhyViewModel.Shown> everShown = new ArrayList<>();
        why.shownProperty().addListener((o, a, s) -> everShown.add(s));

        pad.beginStroke(200, 200);
        assertThat(why.workingProperty().get()).isFalse();
        assertThat(why.statusProperty().get()).isEmpty();
        pad.extendStroke(200, 260);
        pad.endStroke();
        // The first map's task runs late: it was cancelled, so it asks nothing and shows nothing.
        firstMap.run();
        assertThat(asked).isEmpty();
        runMaps();

        PredictionResult now = scheduler.resultProperty().get();
        assertThat(now.drawing()).isSameAs(pad.drawingProperty().get());
        assertThat(asked).hasSize(1);
        assertThat(asked.getFirst()).isSameAs(now.tensor().orElseThrow());
        assertThat(everShown)
                .isNotEmpty()
                .allSatisfy(s -> assertThat(s.tensor()).isSameAs(now.tensor().orElseThrow()));
    }

    @Test
    void aMapFinishedAfterTheDrawingChangedIsDropped() {
        Deque<BooleanSupplier> running = new ArrayDeque<>();
        why.setExplainer((pixels, cancelled) -> {
            running.add(cancelled);
            // The drawing changes while this map is being worked out (on the worker, in the app).
            pad.clear();
            return map(prediction(3).probabilities());
        });
        why.enabledProperty().set(true);
        drawSeven();
        runMaps();

        assertThat(running).hasSize(1);
        assertThat(running.getFirst().getAsBoolean()).isTrue();
        assertThat(why.shownProperty().get()).isNull();
        assertThat(why.statusProperty().get()).isEmpty();
    }

    @Test
    void aFailedMapSaysWhy() {
        why.setExplainer((pixels, cancelled) -> {
            throw new PredictionException(Status.Code.UNAVAILABLE, "Nothing is answering at h:1.");
        });
        why.enabledProperty().set(true);
        drawSeven();
        runMaps();
        assertThat(why.shownProperty().get()).isNull();
        assertThat(why.statusProperty().get()).isEqualTo("Why is not available: Nothing is answering at h:1.");
        assertThat(why.workingProperty().get()).isFalse();
    }

    @Test
    void switchingWhyOffTakesTheMapAwayAndOnWorksItOutAgain() {
        why.setExplainer(explainer);
        why.enabledProperty().set(true);
        drawSeven();
        runMaps();
        assertThat(why.shownProperty().get()).isNotNull();

        why.enabledProperty().set(false);
        assertThat(why.shownProperty().get()).isNull();
        assertThat(why.statusProperty().get()).isEmpty();

        why.enabledProperty().set(true);
        runMaps();
        assertThat(asked).hasSize(2);
        assertThat(why.shownProperty().get()).isNotNull();

        why.setExplainer(null);
        assertThat(why.shownProperty().get()).isNull();
        runMaps();
        assertThat(asked).hasSize(2);
    }
}
