package dev.digitpad.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.client.Prediction;
import dev.digitpad.testing.Distributions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The prediction pane's view model: the headline, the threshold and the round trip, without the FX thread. */
class PredictionViewModelTest {
    /** A 7 as the pad draws it with the default pen. */
    private static final Drawing SEVEN =
            new Drawing(Optional.empty(), List.of(new Stroke(new double[] {60, 50, 220, 50, 130, 250}, 22, false)));

    private float[] answer = Distributions.probabilities(7, 0.9f);
    private final PredictionScheduler scheduler = new PredictionScheduler(Runnable::run, Runnable::run);
    private final PredictionViewModel vm = new PredictionViewModel(scheduler);

    private Prediction predict(float[] pixels) {
        return new Prediction(answer, false, "mnist", 1, Duration.ofMillis(3));
    }

    @Test
    void beforeAnythingIsDrawnItAsksForADigit() {
        assertThat(vm.headlineProperty().get()).isEqualTo(Headline.DRAW_A_DIGIT);
        assertThat(vm.detailProperty().get()).isEmpty();
        assertThat(vm.roundTripProperty().get()).isEmpty();
    }

    @Test
    void atOrAboveTheThresholdItNamesTheDigitAndHowSure() {
        answer = Distributions.probabilities(7, 0.6f);
        scheduler.setPredictor(this::predict, "");
        scheduler.replaced(SEVEN);
        assertThat(vm.headlineProperty().get()).isEqualTo("7");
        assertThat(vm.detailProperty().get()).isEqualTo(String.format("%.0f%% sure", 60.0));
    }

    @Test
    void belowTheThresholdItIsNotSureAndNamesItsBestGuesses() {
        answer = Distributions.probabilities(3, 0.55f);
        scheduler.setPredictor(this::predict, "");
        scheduler.replaced(SEVEN);
        assertThat(vm.headlineProperty().get()).isEqualTo("Not sure");
        assertThat(vm.detailProperty().get()).isEqualTo("Maybe 3 (55%)");
        vm.thresholdProperty().set(0.5);
        assertThat(vm.headlineProperty().get()).isEqualTo("3");

        answer = new float[] {0.02f, 0.02f, 0.02f, 0.02f, 0.41f, 0.02f, 0.02f, 0.02f, 0.07f, 0.38f};
        vm.thresholdProperty().set(0.6);
        scheduler.predictNow();
        assertThat(vm.headlineProperty().get()).isEqualTo(Headline.NOT_SURE);
        assertThat(vm.detailProperty().get()).isEqualTo("Maybe 4 (41%) or 9 (38%)");
    }

    @Test
    void aNearlyFlatAnswerDoesNotLookLikeADigit() {
        answer = Distributions.probabilities(3, 0.4f);
        scheduler.setPredictor(this::predict, "");
        scheduler.replaced(SEVEN);
        assertThat(vm.headlineProperty().get()).isEqualTo(Headline.NOT_SURE);
        assertThat(vm.detailProperty().get()).isEqualTo("This does not look like a digit");
        vm.thresholdProperty().set(0.3);
        assertThat(vm.headlineProperty().get())
                .as("a threshold the answer reaches is sure, flat or not")
                .isEqualTo("3");
    }

    @Test
    void withoutAServerYetItSaysWhatItIsWaitingFor() {
        scheduler.setPredictor(null, "Loading the model…");
        scheduler.replaced(SEVEN);
        assertThat(vm.resultProperty().get().tensor()).isPresent();
        assertThat(vm.detailProperty().get()).isEqualTo("Loading the model…");
    }

    @Test
    void theRoundTripOfTheLastAnswerIsKeptUntilTheNextAnswer() {
        scheduler.setPredictor(this::predict, "");
        scheduler.replaced(SEVEN);
        assertThat(vm.roundTripProperty().get()).isEqualTo(String.format("last prediction %.1f ms", 3.0));
        scheduler.replaced(Drawing.EMPTY);
        assertThat(vm.roundTripProperty().get())
                .as("an empty pad has no answer")
                .isEqualTo(String.format("last prediction %.1f ms", 3.0));
    }

    @Test
    void theCopiedDistributionEndsWithTheModelTheVersionAndTheLabelAskedFor() {
        scheduler.setPredictor(pixels -> new Prediction(answer, false, "mnist", 2, Duration.ofMillis(3), "canary"), "");
        scheduler.replaced(SEVEN);
        List<String> lines = vm.distributionText().orElseThrow().lines().toList();
        assertThat(lines.subList(11, lines.size())).containsExactly("model\tmnist", "version\t2", "label\tcanary");
    }
}
