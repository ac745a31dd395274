package dev.digitpad.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.testing.Tensors;
import dev.digitpad.testing.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.types.TFloat32;

/**
 * The count behind {@code :digitpad:native_objects_open}: it sees a tensor left open, and it shows that a
 * prediction leaves none. The garbage collector may free forgotten objects at any time and so only ever lowers the
 * count; the assertions allow for that and for nothing else.
 */
class NativeObjectsTest {
    @TempDir
    Path base;

    @Test
    void tensorsLeftOpenAreCountedUntilTheyAreClosed() {
        TFloat32.tensorOf(Shape.of(1)).close(); // the first tensor also makes something tensorflow-java keeps for good
        long before = NativeObjects.open();
        List<TFloat32> open = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            open.add(TFloat32.tensorOf(Shape.of(28, 28)));
        }
        assertThat(NativeObjects.open()).isGreaterThanOrEqualTo(before + 100);
        open.forEach(TFloat32::close);
        assertThat(NativeObjects.open()).isLessThanOrEqualTo(before);
    }

    @Test
    void predictionsCloseEveryTensorTheyOpen() throws Exception {
        TestModels.writeVersion(base, 1, TestModels.Kind.MNIST);
        try (SavedModelServable servable = SavedModelServable.load(base.resolve("1"))) {
            Map<String, TensorProto> inputs = Map.of("flatten_input", Tensors.images(TestModels.imageWithRow(3, 1f)));
            servable.predict(Servable.DEFAULT_SIGNATURE, inputs, List.of(), RunLimits.within(Duration.ofSeconds(30)));
            long before = NativeObjects.open();
            for (int i = 0; i < 1_000; i++) {
                servable.predict(
                        Servable.DEFAULT_SIGNATURE, inputs, List.of(), RunLimits.within(Duration.ofSeconds(30)));
            }
            assertThat(NativeObjects.open()).isLessThanOrEqualTo(before);
        }
    }
}
