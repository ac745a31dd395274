package dev.digitpad.testing;

import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.Servable;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.inference.ServingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorProto;

/**
 * A servable without TensorFlow that has the MNIST model's contract ({@code flatten_input} float [-1,28,28,1] ->
 * {@code dense} float [-1,10]) and answers every image with the same chosen probabilities: a model as sure, torn or
 * flat as a test needs.
 */
public final class DistributionServable implements Servable {
    private final float[] probabilities;

    public DistributionServable(float[] probabilities) {
        if (probabilities.length != TestModels.CLASSES) {
            throw new IllegalArgumentException("ten probabilities, one per digit");
        }
        this.probabilities = probabilities.clone();
    }

    /**
     * A manager serving, from directories under {@code dir}, one model per entry of {@code answers}: the model named by
     * the key answers the value. Each has one version, 1, and is loaded.
     */
    public static ModelManager serving(Path dir, Map<String, float[]> answers) throws IOException {
        List<ModelManager.ModelConfig> models = new ArrayList<>();
        for (String name : answers.keySet()) {
            Path base = dir.resolve(name);
            // The loader below does not read it; the version source only needs the directory to look like a model.
            Files.writeString(Files.createDirectories(base.resolve("1")).resolve("saved_model.pb"), "fake");
            models.add(new ModelManager.ModelConfig(name, base));
        }
        ServableLoader loader = (model, version, versionDir) -> new DistributionServable(answers.get(model));
        ModelManager manager = new ModelManager(models, loader, Duration.ZERO);
        manager.pollNow();
        return manager;
    }

    @Override
    public Map<String, SignatureDef> signatures() {
        TensorInfo input = TensorInfo.newBuilder()
                .setName("flatten_input:0")
                .setDtype(DataType.DT_FLOAT)
                .setTensorShape(Tensors.shape(-1, TestModels.SIDE, TestModels.SIDE, 1))
                .build();
        TensorInfo output = TensorInfo.newBuilder()
                .setName("dense/Softmax:0")
                .setDtype(DataType.DT_FLOAT)
                .setTensorShape(Tensors.shape(-1, TestModels.CLASSES))
                .build();
        return Map.of(
                TestModels.SIGNATURE,
                SignatureDef.newBuilder()
                        .putInputs("flatten_input", input)
                        .putOutputs("dense", output)
                        .setMethodName(TestModels.PREDICT_METHOD)
                        .build());
    }

    @Override
    public Map<String, TensorProto> predict(
            String signatureKey, Map<String, TensorProto> inputs, List<String> outputFilter, RunLimits limits) {
        signature(signatureKey);
        TensorProto x = inputs.get("flatten_input");
        if (x == null) {
            throw ServingException.invalidArgument("the input is flatten_input");
        }
        int rows = (int) Tensors.dims(x)[0];
        float[] y = new float[rows * TestModels.CLASSES];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(probabilities, 0, y, r * TestModels.CLASSES, TestModels.CLASSES);
        }
        return Map.of("dense", Tensors.floatContent(new long[] {rows, TestModels.CLASSES}, y));
    }

    @Override
    public void close() {}
}
