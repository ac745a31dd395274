package dev.digitpad.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.dataset.LabelledDigits;
import dev.digitpad.testing.MnistTestSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outlier exposure, validation with early stopping, and reproducibility, on a tiny model and a few hundred digits. */
class TrainerTest {
    static final Architecture TINY = new Architecture(5, 4, 5, 8, 16);
    static final int N = 480;

    static float[] digits;
    static int[] labels;
    static float[] validationDigits;
    static int[] validationLabels;

    @BeforeAll
    static void load() throws IOException {
        LabelledDigits set;
        set = MnistTestSet.digits();
        // Train on every third of the committed test digits (this unit test only checks mechanics), in a seeded random
        // order, so that batches mix
        // the classes; validate on others.
        int[] order = new int[N];
        for (int i = 0; i < N; i++) {
            order[i] = 3 * i;
        }
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = N - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        digits = new float[N * 784];
        labels = new int[N];
        for (int i = 0; i < N; i++) {
            System.arraycopy(set.image(order[i]), 0, digits, i * 784, 784);
            labels[i] = set.label(order[i]);
        }
        int v = 200;
        validationDigits = new float[v * 784];
        validationLabels = new int[v];
        for (int i = 0; i < v; i++) {
            System.arraycopy(set.image(6 * i + 1), 0, validationDigits, i * 784, 784);
            validationLabels[i] = set.label(6 * i + 1);
        }
    }

    /** Pictures that are not digits: a few random bright bars and specks on black, like scribbles on the pad. */
    static float[] outliers(int count, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] out = new float[count * 784];
        for (int i = 0; i < count; i++) {
            int bars = 1 + rng.nextInt(3);
            for (int b = 0; b < bars; b++) {
                int r0 = rng.nextInt(4, 24);
                int c0 = rng.nextInt(4, 24);
                boolean horizontal = rng.nextBoolean();
                int length = rng.nextInt(6, 18);
                for (int s = 0; s < length; s++) {
                    int r = Math.min(27, horizontal ? r0 : r0 + s - length / 2 + 2);
                    int c = Math.min(27, horizontal ? c0 + s - length / 2 + 2 : c0);
                    for (int w = 0; w < 2; w++) {
                        int rr = Math.max(0, Math.min(27, r + (horizontal ? w : 0)));
                        int cc = Math.max(0, Math.min(27, c + (horizontal ? 0 : w)));
                        out[i * 784 + rr * 28 + cc] = 1f;
                    }
                }
            }
            for (int s = 0; s < 20; s++) {
                out[i * 784 + rng.nextInt(784)] = (float) rng.nextDouble();
            }
        }
        return out;
    }

    static Trainer.Config config(int epochs, float outlierWeight) {
        return new Trainer.Config(epochs, 32, 1e-2f, 1e-4f, 0.1f, 11, 2).withOutlierWeight(outlierWeight);
    }

    @Test
    void outlierTermPullsOutliersTowardUniform(@TempDir Path dir) throws IOException {
        float[] trainOutliers = outliers(120, 1);
        Trainer.Epoch epoch = new Trainer.Epoch(digits, labels, trainOutliers);
        Map<String, float[]> plain = Trainer.train(TINY, config(4, 0f), e -> epoch);
        Map<String, float[]> exposed = Trainer.train(TINY, config(4, 0.5f), e -> epoch);

        float[] unseen = outliers(100, 2);
        double[] plainStats = maxProbabilityAndEntropy(plain, unseen, dir.resolve("plain"));
        double[] exposedStats = maxProbabilityAndEntropy(exposed, unseen, dir.resolve("exposed"));
        // the same steps on the same batches; only the term differs
        assertThat(exposedStats[0]).isLessThan(plainStats[0] - 0.05);
        assertThat(exposedStats[1]).isGreaterThan(plainStats[1] + 0.1);
        // and the digits are still told apart: far better than chance on digits it trained on
        try (SavedModelClassifier model = exported(exposed, dir.resolve("digits"))) {
            float[][] p = model.predict(digits, N);
            int correct = 0;
            for (int i = 0; i < N; i++) {
                if (SavedModelClassifier.argmax(p[i]) == labels[i]) {
                    correct++;
                }
            }
            assertThat(correct).isGreaterThan(N / 2);
        }
    }

    @Test
    void withoutOutliersTheOutlierWeightChangesNothing() {
        Map<String, float[]> a = Trainer.train(TINY, config(1, 0f), e -> new Trainer.Epoch(digits, labels));
        Map<String, float[]> b = Trainer.train(TINY, config(1, 0.5f), e -> new Trainer.Epoch(digits, labels));
        assertSameWeights(a, b);
    }

    @Test
    void theSameSeedGivesTheSameWeights() {
        float[] o = outliers(60, 3);
        Trainer.Config c = config(2, 0.5f);
        Map<String, float[]> first = Trainer.train(TINY, c, e -> new Trainer.Epoch(digits, labels, o));
        Map<String, float[]> second = Trainer.train(TINY, c, e -> new Trainer.Epoch(digits, labels, o));
        assertSameWeights(first, second);

        Trainer.Config otherSeed = new Trainer.Config(2, 32, 1e-2f, 1e-4f, 0.1f, 12, 2);
        Map<String, float[]> third = Trainer.train(TINY, otherSeed, e -> new Trainer.Epoch(digits, labels, o));
        assertThat(third.get("hidden_kernel")).isNotEqualTo(first.get("hidden_kernel"));
    }

    @Test
    void earlyStoppingKeepsTheBestEpochsWeights(@TempDir Path dir) throws IOException {
        // Epoch 1 learns the digits; later epochs learn each label shifted by one, so validation NLL rises after 1.
        int[] shifted = new int[N];
        for (int i = 0; i < N; i++) {
            shifted[i] = (labels[i] + 1) % 10;
        }
        java.util.function.IntFunction<Trainer.Epoch> epochs =
                e -> new Trainer.Epoch(digits, e == 0 ? labels : shifted);
        Trainer.Validation validation = new Trainer.Validation(validationDigits, validationLabels);
        Trainer.Config c = config(5, 0.5f);

        Trainer.Trained stopped = Trainer.train(TINY, c.withPatience(2), epochs, validation);
        assertThat(stopped.bestEpoch()).isEqualTo(1);
        assertThat(stopped.stoppedEarly()).isTrue();
        assertThat(stopped.history()).hasSize(3);
        assertThat(stopped.history().get(2).validationNll())
                .isGreaterThan(stopped.history().get(0).validationNll());

        Trainer.Trained full = Trainer.train(TINY, c, epochs, validation);
        assertThat(full.stoppedEarly()).isFalse();
        assertThat(full.history()).hasSize(5);
        assertThat(full.bestEpoch()).isEqualTo(1);
        assertSameWeights(stopped.weights(), full.weights());

        Map<String, float[]> last = Trainer.train(TINY, c, epochs);
        assertThat(last.get("logits_kernel")).isNotEqualTo(full.weights().get("logits_kernel"));

        // the validation logits are those of the kept weights
        try (SavedModelClassifier model = exported(stopped.weights(), dir.resolve("best"))) {
            float[][] p = model.predict(validationDigits, validationLabels.length);
            float[][] fromLogits = Calibration.probabilities(stopped.validationLogits(), 1);
            for (int i = 0; i < p.length; i++) {
                for (int k = 0; k < 10; k++) {
                    assertThat(fromLogits[i][k]).isCloseTo(p[i][k], org.assertj.core.api.Assertions.within(1e-5f));
                }
            }
        }
    }

    static void assertSameWeights(Map<String, float[]> a, Map<String, float[]> b) {
        assertThat(a.keySet()).isEqualTo(b.keySet());
        for (String name : a.keySet()) {
            assertThat(b.get(name)).as(name).isEqualTo(a.get(name));
        }
    }

    static SavedModelClassifier exported(Map<String, float[]> weights, Path dir) throws IOException {
        ModelExporter.export(TINY, weights, dir.resolve("1"));
        return SavedModelClassifier.load(dir.resolve("1"));
    }

    /** Mean top probability and mean entropy (nats) of the model on {@code images}. */
    static double[] maxProbabilityAndEntropy(Map<String, float[]> weights, float[] images, Path dir)
            throws IOException {
        try (SavedModelClassifier model = exported(weights, dir)) {
            int n = images.length / 784;
            float[][] p = model.predict(images, n);
            double max = 0;
            double entropy = 0;
            for (float[] row : p) {
                max += row[SavedModelClassifier.argmax(row)];
                for (float v : row) {
                    if (v > 0) {
                        entropy -= v * Math.log(v);
                    }
                }
            }
            return new double[] {max / n, entropy / n};
        }
    }
}
