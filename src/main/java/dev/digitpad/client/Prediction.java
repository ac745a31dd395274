package dev.digitpad.client;

import java.time.Duration;

/**
 * The model's answer for one image.
 *
 * @param probabilities ten probabilities, one per digit, summing to 1
 * @param fromLogits true if the model answered with logits and DigitPad applied softmax
 * @param version the version of the model that answered, or -1 if the server did not say
 * @param roundTrip the time of the whole call, as the client saw it
 * @param label the version label asked for, whose version answered; empty if none was asked for
 */
public record Prediction(
        float[] probabilities, boolean fromLogits, String model, long version, Duration roundTrip, String label) {

    public Prediction {
        label = label == null ? "" : label;
    }

    /** An answer to a call that asked for no label. */
    public Prediction(float[] probabilities, boolean fromLogits, String model, long version, Duration roundTrip) {
        this(probabilities, fromLogits, model, version, roundTrip, "");
    }

    /** Which version answered, e.g. "version 3 (label canary)", "version 3", or "" when the server did not say. */
    public String answeredBy() {
        return answeredBy(version, label);
    }

    /** As {@link #answeredBy()}, for {@code version} (-1 if not known) and {@code label} (empty for none). */
    public static String answeredBy(long version, String label) {
        if (version < 0) {
            return label.isEmpty() ? "" : "label " + label;
        }
        return "version " + version + (label.isEmpty() ? "" : " (label " + label + ")");
    }

    /** The most probable digit. */
    public int digit() {
        return mostProbable(probabilities);
    }

    /** The index of the highest of {@code probabilities}, the first of equals: the digit an answer gives. */
    public static int mostProbable(float[] probabilities) {
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
