package dev.digitpad.testing;

import dev.digitpad.dataset.LabelledDigits;
import dev.digitpad.imaging.MnistNormalizer;

/**
 * A small labelled set of 28x28 digits for tests that need digits but not MNIST: the
 * {@link DigitSketches} of each digit drawn at a few sizes, places and pen widths on the 280x280
 * canvas, normalised by the app's {@link MnistNormalizer}.
 */
public final class SketchedDigits {
    private SketchedDigits() {}

    /** {@code perDigit} drawings of each digit 0-9 (in that order, cycling), normalised. */
    public static LabelledDigits of(int perDigit) {
        LabelledDigits.Builder b = new LabelledDigits.Builder();
        for (int k = 0; k < perDigit; k++) {
            for (int digit = 0; digit < 10; digit++) {
                double height = 120 + 17 * ((k * 3 + digit) % 7);
                double x = 20 + 9 * ((k + digit) % 5);
                double y = 10 + 7 * ((2 * k + digit) % 4);
                float pen = 14 + 3 * ((k + 2 * digit) % 4);
                float[] pixels = MnistNormalizer.normalize(DigitSketches.draw(digit, x, y, height, pen, true))
                        .pixels()
                        .orElseThrow();
                b.add(pixels, digit);
            }
        }
        return b.build();
    }
}
