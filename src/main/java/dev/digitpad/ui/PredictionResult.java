package dev.digitpad.ui;

import dev.digitpad.client.Prediction;
import java.util.Optional;

/**
 * What was last sent to the model and what it answered.
 *
 * @param drawing the drawing that was predicted
 * @param tensor the model's input made from it; empty when there was nothing to send
 * @param prediction the model's answer; empty when nothing was sent, there was no predictor, or the call failed
 * @param tooSmall the drawing has ink, but too little to be a digit (a dot, a speck), so nothing was sent
 */
public record PredictionResult(
        Drawing drawing, Optional<float[]> tensor, Optional<Prediction> prediction, boolean tooSmall) {
    /** A drawing with nothing sent for it (yet). */
    static PredictionResult of(Drawing drawing) {
        return new PredictionResult(drawing, Optional.empty(), Optional.empty(), false);
    }
}
