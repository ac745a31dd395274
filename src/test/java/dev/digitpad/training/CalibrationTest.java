package dev.digitpad.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CalibrationTest {

    /**
     * Labels drawn from softmax(z / T) are calibrated at temperature T by construction; the model "reports" logits z,
     * so the fit must find T.
     */
    @Test
    void temperatureFitRecoversTheTemperatureTheLabelsWereDrawnAt() {
        for (double trueT : new double[] {0.5, 2.5}) {
            SplittableRandom rng = new SplittableRandom(7);
            int n = 20_000;
            float[][] logits = new float[n][10];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < 10; k++) {
                    logits[i][k] = (float) (rng.nextDouble() * 8 - 4);
                }
                logits[i][rng.nextInt(10)] += 6;
                double[] log = Calibration.logSoftmax(logits[i], trueT);
                double u = rng.nextDouble();
                int label = 9;
                for (int k = 0; k < 10; k++) {
                    u -= Math.exp(log[k]);
                    if (u <= 0) {
                        label = k;
                        break;
                    }
                }
                labels[i] = label;
            }
            double fitted = Calibration.fitTemperature(logits, labels);
            assertThat(fitted).isCloseTo(trueT, within(trueT * 0.05));
            assertThat(Calibration.nll(logits, labels, fitted))
                    .isLessThanOrEqualTo(Calibration.nll(logits, labels, 1.0))
                    .isLessThan(Calibration.nll(logits, labels, trueT * 1.5));
        }
    }

    @Test
    void eceIsZeroWhenEachBinsAccuracyEqualsItsConfidence() {
        // 4 predictions at 0.75, 3 right; 5 at 0.2... top probability 0.2 needs the rest spread below it
        float[][] p = new float[9][];
        int[] labels = new int[9];
        for (int i = 0; i < 4; i++) {
            p[i] = row(0, 0.75f);
            labels[i] = i < 3 ? 0 : 1;
        }
        for (int i = 4; i < 9; i++) {
            p[i] = row(2, 0.2f);
            labels[i] = i == 4 ? 2 : 3;
        }
        assertThat(Calibration.expectedCalibrationError(p, labels, Calibration.BINS))
                .isCloseTo(0, within(1e-6));
    }

    @Test
    void eceMatchesAHandComputedExample() {
        // bin (0.8667, 0.9333]: 0.9 and 0.9, one right -> |0.5 - 0.9| * 2/5
        // bin (0.9333, 1]: 0.95, 0.95, 0.99, all right -> |1 - 0.9633| * 3/5
        float[][] p = {row(1, 0.9f), row(1, 0.9f), row(4, 0.95f), row(5, 0.95f), row(6, 0.99f)};
        int[] labels = {1, 0, 4, 5, 6};
        double expected = 0.4 * 2 / 5 + (1 - (0.95 + 0.95 + 0.99) / 3) * 3 / 5;
        assertThat(Calibration.expectedCalibrationError(p, labels, 15)).isCloseTo(expected, within(1e-6));

        List<Calibration.Bin> bins = Calibration.reliability(p, labels, 15);
        assertThat(bins).hasSize(15);
        assertThat(bins.get(13).count()).isEqualTo(2);
        assertThat(bins.get(13).accuracy()).isEqualTo(0.5);
        assertThat(bins.get(13).meanConfidence()).isCloseTo(0.9, within(1e-6));
        assertThat(bins.get(14).count()).isEqualTo(3);
        assertThat(bins.get(14).accuracy()).isEqualTo(1.0);
        assertThat(bins.stream().mapToInt(Calibration.Bin::count).sum()).isEqualTo(5);
    }

    @Test
    void binsAreOpenBelowAndClosedAbove() {
        assertThat(Calibration.bin(0.0, 15)).isZero();
        assertThat(Calibration.bin(1.0, 15)).isEqualTo(14);
        assertThat(Calibration.bin(0.5, 10)).isEqualTo(4);
        assertThat(Calibration.bin(0.5001, 10)).isEqualTo(5);
    }

    @Test
    void probabilitiesAtATemperatureSumToOneAndFlatten() {
        float[][] logits = {{4, 1, 0, 0, 0, 0, 0, 0, 0, -2}};
        float[] cold = Calibration.probabilities(logits, 1)[0];
        float[] warm = Calibration.probabilities(logits, 3)[0];
        double sum = 0;
        for (float v : warm) {
            sum += v;
        }
        assertThat(sum).isCloseTo(1, within(1e-6));
        assertThat(warm[0]).isLessThan(cold[0]);
    }

    /** A probability row with {@code top} at index {@code k}, the rest spread evenly over the other nine. */
    private static float[] row(int k, float top) {
        float[] r = new float[10];
        java.util.Arrays.fill(r, (1 - top) / 9);
        r[k] = top;
        return r;
    }
}
