package dev.digitpad.client;

import dev.digitpad.contract.ModelContract;
import java.time.Duration;

/**
 * An occlusion-sensitivity map of one input, for every digit at once: how much each digit's probability drops when
 * the part of the picture around a pixel is blanked. A positive value is evidence for the digit (blanking it there
 * lowers its probability), a negative one evidence against it. Made by {@link OcclusionMapper}.
 *
 * @param baseline the probabilities of the input as it is
 * @param drops for each digit (0-9), {@value ModelContract#PIXELS} values row-major: per pixel, the mean drop of that
 *     digit's probability over the patches that cover the pixel
 * @param calls the {@code Predict} calls that were answered
 * @param rows the images sent in them, the unchanged input included
 * @param elapsed from the first call to the map
 */
public record OcclusionMap(float[] baseline, float[][] drops, int calls, int rows, Duration elapsed) {
    public OcclusionMap {
        if (baseline.length != ModelInterface.CLASSES || drops.length != ModelInterface.CLASSES) {
            throw new IllegalArgumentException("an occlusion map has one map per digit, " + ModelInterface.CLASSES);
        }
        for (float[] d : drops) {
            if (d.length != ModelContract.PIXELS) {
                throw new IllegalArgumentException("a digit's map has " + ModelContract.PIXELS + " values");
            }
        }
    }

    /** The map of {@code digit}: {@value ModelContract#PIXELS} drops, row-major (a copy). */
    public float[] of(int digit) {
        return drops[digit].clone();
    }

    /** The digit the unchanged input was given the highest probability. */
    public int topDigit() {
        return Prediction.mostProbable(baseline);
    }
}
