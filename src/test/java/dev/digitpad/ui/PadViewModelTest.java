package dev.digitpad.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.client.Prediction;
import dev.digitpad.testing.DigitSketches;
import dev.digitpad.testing.Distributions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pad's view model without the FX thread: strokes, undo and redo, the pen, loaded images, and what the prediction
 * pane then shows. Work runs at once (a direct executor). The scheduling of predictions is PredictionSchedulerTest's.
 */
class PadViewModelTest {
    private final List<float[]> sent = new ArrayList<>();
    private float[] answer = Distributions.probabilities(7, 0.9f);

    private final PredictionScheduler scheduler = new PredictionScheduler(Runnable::run, Runnable::run);
    private final PadViewModel vm = new PadViewModel(scheduler);
    private final PredictionViewModel shown = new PredictionViewModel(scheduler);

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
        scheduler.setPredictor(this::predict, "");
        assertThat(shown.headlineProperty().get()).isEqualTo("Draw a digit");
        vm.predictNow();
        assertThat(sent).isEmpty();
        assertThat(shown.resultProperty().get().tensor()).isEmpty();
    }

    @Test
    void aStrokeEndSendsTheNormalisedTensorAndShowsTheAnswer() {
        scheduler.setPredictor(this::predict, "");
        drawSeven();
        assertThat(sent).isNotEmpty();
        float[] tensor = sent.getLast();
        assertThat(tensor).hasSize(784);
        assertThat(shown.resultProperty().get().tensor()).get().isEqualTo(tensor);
        float max = 0;
        for (float v : tensor) {
            max = Math.max(max, v);
        }
        assertThat(max).isEqualTo(1f);
        assertThat(shown.headlineProperty().get()).isEqualTo("7");
        assertThat(shown.detailProperty().get()).isEqualTo("90% sure");
    }

    @Test
    void aDotIsTooSmallToBeADigitAndIsNotSent() {
        scheduler.setPredictor(this::predict, "");
        vm.beginStroke(140, 140); // a tap: one point, pen 22
        vm.endStroke();
        assertThat(sent).as("a dot is not sent to the model").isEmpty();
        assertThat(shown.resultProperty().get().tooSmall()).isTrue();
        assertThat(shown.resultProperty().get().tensor()).isEmpty();
        assertThat(shown.headlineProperty().get()).isEqualTo("Too small");
        assertThat(shown.detailProperty().get()).contains("larger");

        vm.beginStroke(140, 100); // a short line down from the dot: a small "1", but a digit
        vm.extendStroke(140, 160);
        vm.endStroke();
        assertThat(sent).isNotEmpty();
        assertThat(shown.resultProperty().get().tooSmall()).isFalse();
        assertThat(shown.headlineProperty().get()).isEqualTo("7");
    }

    @Test
    void aThinPenMakesSmallDigitsReadableButNotSpecks() {
        scheduler.setPredictor(this::predict, "");
        vm.penWidthProperty().set(6);
        vm.beginStroke(100, 100); // a speck 14 units long: under a tenth of the pad
        vm.extendStroke(108, 106);
        vm.endStroke();
        assertThat(sent).isEmpty();
        assertThat(shown.headlineProperty().get()).isEqualTo("Too small");

        vm.clear();
        vm.beginStroke(100, 100); // a 7 forty units tall
        vm.extendStroke(130, 100);
        vm.extendStroke(112, 140);
        vm.endStroke();
        assertThat(sent).isNotEmpty();
        assertThat(shown.headlineProperty().get()).isEqualTo("7");
    }

    @Test
    void undoRedoAndClearWorkPerStroke() {
        scheduler.setPredictor(this::predict, "");
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
        assertThat(shown.headlineProperty().get()).isEqualTo("Draw a digit");
        vm.undo();
        assertThat(vm.drawingProperty().get().strokes()).hasSize(2);
        vm.undo();
        vm.undo();
        assertThat(vm.drawingProperty().get().isBlank()).isTrue();
        assertThat(vm.canUndoProperty().get()).isFalse();
        vm.beginStroke(10, 10);
        vm.endStroke();
        assertThat(vm.canRedoProperty().get())
                .as("a new stroke drops the redo history")
                .isFalse();
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
    void aLoadedImageIsShownUndoablyAndPredicted() {
        scheduler.setPredictor(this::predict, "");
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
        scheduler.setPredictor(this::predict, "");
        vm.load(new java.awt.image.BufferedImage(50, 50, java.awt.image.BufferedImage.TYPE_INT_RGB));
        assertThat(sent).isEmpty();
        assertThat(shown.headlineProperty().get()).isEqualTo("Draw a digit");
        assertThat(shown.detailProperty().get()).contains("no ink");
    }
}
