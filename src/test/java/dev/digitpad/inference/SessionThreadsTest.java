package dev.digitpad.inference;

import static dev.digitpad.testing.Tensors.floats;
import static dev.digitpad.testing.Tensors.images;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.digitpad.testing.TestModels;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TensorFlow's thread settings as a loaded model gets them. */
class SessionThreadsTest {
    @TempDir
    Path base;

    @Test
    void aModelRunInTheCallersThreadAnswersAsUsual() throws Exception {
        Path dir = TestModels.writeVersion(base, 1, TestModels.Kind.MNIST);
        float[] image = new float[TestModels.PIXELS];
        for (int i = 0; i < image.length; i += 3) {
            image[i] = (i % 7) / 7f;
        }
        try (Servable servable =
                ServableLoader.savedModels(new SessionThreads(1, -1)).load("mnist", 1, dir)) {
            for (int run = 0; run < 3; run++) {
                float[] answer = floats(servable.predict(
                                Servable.DEFAULT_SIGNATURE,
                                Map.of("flatten_input", images(image)),
                                List.of(),
                                RunLimits.NONE)
                        .get("dense"));
                double[] expected = TestModels.expectedProbabilities(image, 1);
                for (int k = 0; k < expected.length; k++) {
                    assertThat((double) answer[k]).isCloseTo(expected[k], within(1e-5));
                }
            }
        }
    }

    @Test
    void aNegativeIntraOpCountIsRefused() {
        assertThatThrownBy(() -> new SessionThreads(-1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("intra-op");
    }
}
