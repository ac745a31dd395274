package dev.digitpad.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.digitpad.dataset.LabelledDigits;
import dev.digitpad.testing.MnistTestSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.SignatureDef;

/** The exported graph serves softmax(logits / T) under the unchanged serving contract. */
class ModelExporterTest {
    static final Architecture TINY = new Architecture(5, 4, 5, 8, 16);

    @Test
    void exportedGraphServesSoftmaxOfLogitsOverTemperature(@TempDir Path dir) throws IOException {
        int n = 50;
        float[] images = new float[n * 784];
        LabelledDigits set = MnistTestSet.digits();
        for (int i = 0; i < n; i++) {
            System.arraycopy(set.image(i), 0, images, i * 784, 784);
        }
        // a quick epoch, so that the logits are spread enough for the temperature to show
        float[] x = images.clone();
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 10;
        }
        Map<String, float[]> weights =
                Trainer.train(TINY, new Trainer.Config(3, 10, 1e-2f, 1e-3f, 0f, 5, 1), e -> new Trainer.Epoch(x, y));

        Path plain = ModelExporter.export(TINY, weights, 1.0, dir.resolve("mnist"), 1);
        Path warm = ModelExporter.export(TINY, weights, 2.5, dir.resolve("mnist"), 2);
        assertThat(plain).isEqualTo(dir.resolve("mnist/1"));
        assertThat(warm).isEqualTo(dir.resolve("mnist/2"));

        float[][] p1;
        float[][] p2;
        try (SavedModelClassifier one = SavedModelClassifier.load(plain);
                SavedModelClassifier two = SavedModelClassifier.load(warm)) {
            SignatureDef sig = two.bundle().metaGraphDef().getSignatureDefMap().get("serving_default");
            assertThat(sig.getMethodName()).isEqualTo("tensorflow/serving/predict");
            assertThat(sig.getInputsMap()).containsOnlyKeys("flatten_input");
            assertThat(sig.getOutputsMap()).containsOnlyKeys("dense");
            assertThat(sig.getInputsMap().get("flatten_input").getTensorShape().getDimList())
                    .extracting(d -> d.getSize())
                    .containsExactly(-1L, 28L, 28L, 1L);
            assertThat(sig.getOutputsMap().get("dense").getTensorShape().getDimList())
                    .extracting(d -> d.getSize())
                    .containsExactly(-1L, 10L);
            assertThat(two.bundle().metaGraphDef().getMetaInfoDef().getTagsList())
                    .containsExactly("serve");
            p1 = one.predict(images, n);
            p2 = two.predict(images, n);
        }
        double largestChange = 0;
        for (int i = 0; i < n; i++) {
            float[] logP1 = new float[10];
            double sum = 0;
            for (int k = 0; k < 10; k++) {
                logP1[k] = (float) Math.log(p1[i][k]);
                sum += p2[i][k];
            }
            assertThat(sum).isCloseTo(1, within(1e-5));
            // log p1 = logits - c, so softmax(log p1 / T) = softmax(logits / T)
            float[] expected = Calibration.probabilities(new float[][] {logP1}, 2.5)[0];
            for (int k = 0; k < 10; k++) {
                assertThat(p2[i][k]).isCloseTo(expected[k], within(1e-5f));
                largestChange = Math.max(largestChange, Math.abs(p2[i][k] - p1[i][k]));
            }
        }
        assertThat(largestChange).isGreaterThan(0.01);
    }

    @Test
    void theWideOptionKeepsTheContractAndTheDefaultStaysAsItWas(@TempDir Path dir) throws IOException {
        assertThat(Architecture.DEFAULT).isEqualTo(new Architecture(5, 16, 5, 32, 128));
        assertThat(Architecture.named("wide")).isSameAs(Architecture.WIDE);
        assertThatThrownBy(() -> Architecture.named("huge")).isInstanceOf(IllegalArgumentException.class);
        Architecture wide = Architecture.WIDE;
        assertThat(wide.variableShapes().keySet())
                .containsExactlyElementsOf(Architecture.DEFAULT.variableShapes().keySet());
        Path version = ModelExporter.export(wide, wide.initialValues(3), 1.7, dir.resolve("mnist"), 2);
        try (SavedModelClassifier model = SavedModelClassifier.load(version)) {
            SignatureDef sig =
                    model.bundle().metaGraphDef().getSignatureDefMap().get("serving_default");
            assertThat(sig.getInputsMap()).containsOnlyKeys("flatten_input");
            assertThat(sig.getOutputsMap()).containsOnlyKeys("dense");
            float[][] p = model.predict(new float[2 * 784], 2);
            assertThat(p).hasDimensions(2, 10);
        }
    }

    @Test
    void rejectsATemperatureThatIsNotPositive(@TempDir Path dir) {
        Map<String, float[]> weights = TINY.initialValues(1);
        assertThatThrownBy(() -> ModelExporter.export(TINY, weights, 0.0, dir.resolve("m"), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelExporter.export(TINY, weights, Double.NaN, dir.resolve("m"), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelExporter.export(TINY, weights, 1.0, dir.resolve("m"), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
