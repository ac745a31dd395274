package dev.digitpad.client;

import java.time.Duration;

/**
 * The model's answer for one image.
 *
 * @param probabilities ten probabilities, one per digit, summing to 1
 * @param fromLogits true if the model answered with logits and DigitPad applied softmax
 * @param version the version of the model that answered
 * @param roundTrip the time of the whole call, as the client saw it
 */
public record Prediction(float[] probabilities, boolean fromLogits, String model, long version, Duration roundTrip) {

    /** The most probable digit. */
    public int digit() {
        int best = 0;
        for (int k = 1; k < probabilities.length; k++) {
            if (probabilities[k] > probabilities[best]) {
                best = k;
            }
        }
        return best;
    }

    /** The probability of {@link #digit()}. */
    public float confidence() {
        return probabilities[digit()];
    }

    /** How sure this answer is at {@code threshold}, by the one rule the window and the command line share. */
    public Certainty certainty(double threshold) {
        return Certainty.of(probabilities, threshold);
    }
}
