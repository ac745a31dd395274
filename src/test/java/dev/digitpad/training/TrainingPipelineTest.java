package dev.digitpad.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.dataset.LabelledDigits;
import dev.digitpad.testing.MnistTestSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.SignatureDef;

/** Trains a tiny model for a moment and checks the export round-trips (no data download needed). */
class TrainingPipelineTest {

    @Test
    void trainsExportsAndReloadsWithTheServingSignature(@TempDir Path dir) throws IOException {
        // Only a check that training, export and loading fit together: the shipped model never trains on test digits,
        // but these are the MNIST digits that are committed.
        LabelledDigits digits = MnistTestSet.digits();
        int n = 600;
        float[] x = new float[n * 784];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(digits.image(i), 0, x, i * 784, 784);
            y[i] = digits.label(i);
        }
        Architecture arch = new Architecture(5, 4, 5, 8, 16);
        Trainer.Config config = new Trainer.Config(3, 32, 3e-3f, 1e-4f, 0.2f, 1, 1);
        Map<String, float[]> weights = Trainer.train(arch, config, e -> new Trainer.Epoch(x, y));
        assertThat(weights).containsOnlyKeys(arch.variableShapes().keySet());

        Path version = dir.resolve("mnist/1");
        ModelExporter.export(arch, weights, version);
        try (SavedModelClassifier model = SavedModelClassifier.load(version)) {
            SignatureDef sig =
                    model.bundle().metaGraphDef().getSignatureDefMap().get("serving_default");
            assertThat(sig.getInputsMap()).containsOnlyKeys("flatten_input");
            assertThat(sig.getOutputsMap()).containsOnlyKeys("dense");
            List<float[]> images = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                images.add(digits.image(i));
            }
            int[] predicted = model.classify(images);
            int correct = 0;
            for (int i = 0; i < n; i++) {
                if (predicted[i] == y[i]) {
                    correct++;
                }
            }
            // three quick epochs of a tiny net: far better than chance (10 %)
            assertThat(correct / (double) n).isGreaterThan(0.5);
        }
    }

    @Test
    void flopsAndParametersAreCounted() {
        Architecture a = Architecture.DEFAULT;
        long expected = 2L
                * (28 * 28 * a.conv1() * a.kernel1() * a.kernel1()
                        + 14 * 14 * a.conv2() * a.kernel2() * a.kernel2() * a.conv1()
                        + (long) a.flatFeatures() * a.dense()
                        + a.dense() * 10L);
        assertThat(a.flopsPerPrediction()).isEqualTo(expected);
        assertThat(a.parameterCount()).isPositive();
    }
}
