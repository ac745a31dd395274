package dev.digitpad.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.testing.SketchedDigits;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmenterTest {
    static final LabelledDigits DIGITS = SketchedDigits.of(2);

    @Test
    void theSameRandomnessGivesTheSameVariation() {
        for (int i = 0; i < DIGITS.size(); i++) {
            float[] a = Augmenter.augment(DIGITS.image(i), new SplittableRandom(TrainingData.mix(1, 2, i)));
            float[] b = Augmenter.augment(DIGITS.image(i), new SplittableRandom(TrainingData.mix(1, 2, i)));
            assertThat(b).containsExactly(a);
        }
    }

    @Test
    void aThickPenCoversClearlyMoreThanAThinOne() {
        double thin = 0;
        double thick = 0;
        for (int i = 0; i < DIGITS.size(); i++) {
            thin += inked(Augmenter.padDrawn(DIGITS.image(i), 0.03, new SplittableRandom(i)));
            thick += inked(Augmenter.padDrawn(DIGITS.image(i), 0.33, new SplittableRandom(i)));
        }
        assertThat(thick).isGreaterThan(2.5 * thin);
    }

    @Test
    void differentRandomnessDrawsTheDigitDifferently() {
        // the same digit drawn with different randomness comes out different after normalising
        float[] a = Augmenter.padDrawn(DIGITS.image(4), 0.1, new SplittableRandom(1));
        float[] b = Augmenter.padDrawn(DIGITS.image(4), 0.1, new SplittableRandom(2));
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void lowResolutionScansAreBlurrierThanTheirSource() {
        int sourceSaturated = 0;
        int scan8 = 0;
        int scan16 = 0;
        for (int i = 0; i < DIGITS.size(); i++) {
            sourceSaturated += saturated(DIGITS.image(i));
            scan8 += saturated(Augmenter.lowResScan(DIGITS.image(i), 8, new SplittableRandom(i)));
            scan16 += saturated(Augmenter.lowResScan(DIGITS.image(i), 16, new SplittableRandom(i)));
        }
        assertThat(scan16).isLessThan(sourceSaturated / 2);
        assertThat(scan8).isLessThan(sourceSaturated / 2);
    }

    @Test
    void augmentedDigitsAreNormalised() {
        for (int i = 0; i < DIGITS.size(); i++) {
            float[] d = Augmenter.augment(DIGITS.image(i), new SplittableRandom(i));
            if (d == null) {
                continue;
            }
            float max = 0;
            for (float v : d) {
                max = Math.max(max, v);
            }
            assertThat(max).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    /** Pixels with any real ink. */
    private static int inked(float[] p) {
        int n = 0;
        for (float v : p) {
            if (v > 0.25f) {
                n++;
            }
        }
        return n;
    }

    /** Pixels at full ink. */
    private static int saturated(float[] p) {
        int n = 0;
        for (float v : p) {
            if (v >= 0.99f) {
                n++;
            }
        }
        return n;
    }
}
