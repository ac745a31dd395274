package dev.digitpad.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.digitpad.client.Certainty.Guess;
import dev.digitpad.testing.Distributions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The one rule for "not sure", best guesses and "does not look like a digit". */
class CertaintyTest {
    private static final double T = Certainty.DEFAULT_THRESHOLD;

    /** {@code p} in digit order; the rest (if any) shared evenly among the digits not named. */
    private static float[] answer(float... p) {
        float[] v = Arrays.copyOf(p, 10);
        float given = 0;
        for (float x : p) {
            given += x;
        }
        for (int k = p.length; k < 10; k++) {
            v[k] = (1 - given) / (10 - p.length);
        }
        return v;
    }

    @Test
    void exactlyAtTheThresholdIsSureAndJustBelowIsNot() {
        assertThat(Certainty.of(Distributions.probabilities(4, 0.6f), 0.6).sure())
                .isTrue();
        assertThat(Certainty.of(Distributions.probabilities(4, 0.7f), 0.7).sure())
                .as("0.7f is a little below the double 0.7; the comparison is made in float")
                .isTrue();
        assertThat(Certainty.of(Distributions.probabilities(4, Math.nextDown(0.7f)), 0.7)
                        .sure())
                .isFalse();
        assertThat(Certainty.of(Distributions.probabilities(4, 0.59f), 0.6).sure())
                .isFalse();
        assertThat(Certainty.of(Distributions.probabilities(4, 0.1f), 0).sure())
                .as("a threshold of 0: always sure")
                .isTrue();
        assertThat(Certainty.of(Distributions.probabilities(4, 0.999f), 1).sure())
                .as("a threshold of 1: sure only of a certainty")
                .isFalse();
        assertThat(Certainty.of(Distributions.probabilities(4, 1f), 1).sure()).isTrue();
    }

    @Test
    void aFlatAnswerDoesNotLookLikeADigit() {
        float[] uniform = new float[10];
        Arrays.fill(uniform, 0.1f);
        Certainty flat = Certainty.of(uniform, T);
        assertThat(Certainty.normalisedEntropy(uniform)).isCloseTo(1, offset(1e-6));
        assertThat(flat.sure()).isFalse();
        assertThat(flat.nearlyFlat()).isTrue();
        assertThat(flat.notSureReason()).isEqualTo("this does not look like a digit");
        assertThat(flat.guesses())
                .as("the top digit (the first of equals), and no runner-up at only an even share")
                .containsExactly(new Guess(0, 0.1f));

        assertThat(Certainty.of(Distributions.probabilities(2, 0.4f), T).nearlyFlat())
                .as(
                        "40%% with the rest shared evenly: %.3f",
                        Certainty.normalisedEntropy(Distributions.probabilities(2, 0.4f)))
                .isTrue();
        assertThat(Certainty.of(answer(0.3f, 0.2f), T).nearlyFlat()).isTrue();
        assertThat(Certainty.of(Distributions.probabilities(2, 0.45f), T).nearlyFlat())
                .isFalse();
        assertThat(Certainty.of(Distributions.probabilities(2, 0.6f), T).nearlyFlat())
                .isFalse();
    }

    @Test
    void twoCloseDigitsAreNotSureButNotFlatAndBothAreGuessed() {
        float o = 0.00625f;
        float[] torn = {o, o, o, o, 0.5f, o, o, o, o, 0.45f};
        Certainty c = Certainty.of(torn, T);
        assertThat(Certainty.normalisedEntropy(torn)).isCloseTo(0.417, offset(0.001));
        assertThat(c.sure()).isFalse();
        assertThat(c.nearlyFlat()).isFalse();
        assertThat(c.guesses()).containsExactly(new Guess(4, 0.5f), new Guess(9, 0.45f));
        assertThat(c.notSureReason()).isEqualTo("maybe 4 (50%) or 9 (45%)");
    }

    @Test
    void atMostThreeGuessesEachAboveAnEvenShare() {
        float[] three = {0.05f, 0.12f, 0.02f, 0.02f, 0.41f, 0.02f, 0.11f, 0.02f, 0.02f, 0.38f};
        Certainty c = Certainty.of(three, T);
        assertThat(c.guesses()).extracting(Guess::digit).containsExactly(4, 9, 1);
        assertThat(c.notSureReason()).isEqualTo("maybe 4 (41%), 9 (38%) or 1 (12%)");

        float[] one = Distributions.probabilities(3, 0.55f); // the others get 5% each
        assertThat(Certainty.of(one, T).guesses()).containsExactly(new Guess(3, 0.55f));
        assertThat(Certainty.of(one, T).notSureReason()).isEqualTo("maybe 3 (55%)");

        float[] evenShare = answer(0.5f, 0.1f, 0.1f);
        assertThat(Certainty.of(evenShare, T).guesses())
                .as("exactly an even share is no guess")
                .extracting(Guess::digit)
                .containsExactly(0);
    }

    @Test
    void aSureAnswerStillKnowsItsGuessesAndFlatnessIsIndependentOfTheThreshold() {
        Certainty c = Certainty.of(Distributions.probabilities(7, 0.98f), T);
        assertThat(c.sure()).isTrue();
        assertThat(c.nearlyFlat()).isFalse();
        assertThat(c.guesses()).extracting(Guess::digit).containsExactly(7);

        float[] uniform = new float[10];
        Arrays.fill(uniform, 0.1f);
        assertThat(Certainty.of(uniform, 0).nearlyFlat()).isTrue();
        assertThat(Certainty.of(uniform, 0).sure()).isTrue();
    }

    @Test
    void aThresholdOutsideZeroToOneIsRefused() {
        float[] p = Distributions.probabilities(1, 0.9f);
        for (double bad : new double[] {-0.01, 1.01, 60, Double.NaN}) {
            assertThatThrownBy(() -> Certainty.of(p, bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("between 0 and 1");
        }
    }

    @Test
    void thePredictionUsesTheSameRule() {
        Prediction p = new Prediction(Distributions.probabilities(5, 0.5f), false, "mnist", 1, java.time.Duration.ZERO);
        assertThat(p.certainty(0.6)).isEqualTo(Certainty.of(p.probabilities(), 0.6));
        assertThat(p.certainty(0.5).sure()).isTrue();
    }
}
