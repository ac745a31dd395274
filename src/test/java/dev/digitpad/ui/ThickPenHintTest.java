package dev.digitpad.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The hint that the strokes are thick for the drawing's size: the model sees the drawing fitted into 20 px, so a
 * small digit drawn with a wide pen comes out as a blob. No FX thread; predictions are not asked for.
 */
class ThickPenHintTest {
    private final PredictionScheduler scheduler = new PredictionScheduler(Runnable::run, Runnable::run);
    private final PadViewModel vm = new PadViewModel(scheduler);

    /** A 7 whose longer side (with the pen's round ends) is {@code size} pad units, at the pad's top left. */
    private void drawSeven(double size) {
        double inner = size - vm.penWidthProperty().get();
        double x = 20 + vm.penWidthProperty().get() / 2;
        double y = 20 + vm.penWidthProperty().get() / 2;
        vm.beginStroke(x, y);
        vm.extendStroke(x + inner * 0.8, y);
        vm.extendStroke(x + inner * 0.35, y + inner);
        vm.endStroke();
    }

    @Test
    void aDigitAsLargeAsMostOnThePadGetsNoHint() {
        assertThat(vm.penWidthProperty().get()).isEqualTo(22);
        drawSeven(180);
        assertThat(vm.thickPenProperty().get()).isFalse();
    }

    @Test
    void aSmallDigitWithTheDefaultPenGetsTheHint() {
        // 80 units: the default pen is 22 / 80 = 0.28 of it, thicker than 19 in 20 of MNIST's digits.
        drawSeven(80);
        assertThat(vm.thickPenProperty().get()).isTrue();
    }

    @Test
    void theSameSmallDigitWithAThinPenGetsNone() {
        vm.penWidthProperty().set(10);
        drawSeven(80);
        assertThat(vm.thickPenProperty().get()).isFalse();
    }

    @Test
    void theRuleIsAQuarterOfTheLongerSide() {
        drawSeven(4 * 22 - 2);
        assertThat(vm.thickPenProperty().get()).isTrue();
        vm.clear();
        drawSeven(4 * 22 + 2);
        assertThat(vm.thickPenProperty().get()).isFalse();
    }

    @Test
    void aDotIsTooSmallToReadRatherThanThick() {
        // Under twice the pen: the prediction pane says "Too small"; the hint does not say it again.
        vm.beginStroke(100, 100);
        vm.endStroke();
        assertThat(vm.thickPenProperty().get()).isFalse();
    }

    @Test
    void theHintWaitsForTheStrokeToEnd() {
        // Every stroke starts as small as a dot: no hint flickering on and off while drawing.
        vm.beginStroke(40, 40);
        vm.extendStroke(100, 40);
        assertThat(vm.thickPenProperty().get()).isFalse();
        vm.endStroke();
        assertThat(vm.thickPenProperty().get()).isTrue();
    }

    @Test
    void undoClearAndRedoUpdateIt() {
        drawSeven(80);
        vm.undo();
        assertThat(vm.thickPenProperty().get()).isFalse();
        vm.redo();
        assertThat(vm.thickPenProperty().get()).isTrue();
        vm.clear();
        assertThat(vm.thickPenProperty().get()).isFalse();
    }

    @Test
    void theEraserAndLoadedImagesDoNotCount() {
        vm.eraserProperty().set(true);
        drawSeven(80);
        assertThat(vm.thickPenProperty().get()).isFalse();
        vm.eraserProperty().set(false);
        vm.load(new java.awt.image.BufferedImage(50, 50, java.awt.image.BufferedImage.TYPE_INT_RGB));
        assertThat(vm.thickPenProperty().get()).isFalse();
    }
}
