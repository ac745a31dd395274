package dev.digitpad.training;

import dev.digitpad.contract.ModelContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Writes trained weights as a TensorFlow Serving SavedModel: tag {@code serve}, signature
 * {@code serving_default} ({@code tensorflow/serving/predict}), input {@code flatten_input} float
 * [-1, 28, 28, 1], output {@code dense} float [-1, 10] softmax probabilities.
 *
 * <p>A calibration temperature T is folded into the graph as a constant: {@code dense} is softmax(logits / T), so
 * the probabilities served are the calibrated ones and the contract does not change. With T = 1 the graph is the
 * plain softmax.
 *
 * <p>The exported graph is built afresh for inference only (no dropout, no optimiser): the
 * variables are uninitialised in the graph and loaded from {@code variables/} on restore.
 */
public final class ModelExporter {
    public static final String METHOD_NAME = "tensorflow/serving/predict";
    public static final String INPUT_KEY = "flatten_input";
    public static final String OUTPUT_KEY = "dense";
    public static final String TAG = "serve";

    private ModelExporter() {}

    /** Exports without a temperature (T = 1) to {@code versionDir} (for example {@code assets/models/mnist/1}). */
    public static void export(Architecture arch, Map<String, float[]> weights, Path versionDir) throws IOException {
        export(arch, weights, 1.0, versionDir);
    }

    /**
     * Exports as version {@code version} of the model in {@code modelDir} (TensorFlow Serving's layout: one numbered
     * directory per version), replacing that version if it exists.
     *
     * @return the version directory written
     */
    public static Path export(
            Architecture arch, Map<String, float[]> weights, double temperature, Path modelDir, long version)
            throws IOException {
        if (version < 1) {
            throw new IllegalArgumentException("version must be positive: " + version);
        }
        Path versionDir = modelDir.resolve(Long.toString(version));
        export(arch, weights, temperature, versionDir);
        return versionDir;
    }

    /**
     * Exports to {@code versionDir}, replacing it, with output {@code dense} = softmax(logits / temperature).
     *
     * @param temperature the calibration temperature T, positive and finite
     */
    public static void export(Architecture arch, Map<String, float[]> weights, double temperature, Path versionDir)
            throws IOException {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive and finite: " + temperature);
        }
        Path parent = versionDir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, ".export-");
        Path target = staging.resolve("model");
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> input = tf.withName(INPUT_KEY)
                    .placeholder(TFloat32.class, Placeholder.shape(Shape.of(ModelContract.inputShape())));
            Map<String, Variable<TFloat32>> vars = new LinkedHashMap<>();
            Map<String, Placeholder<TFloat32>> feeds = new LinkedHashMap<>();
            Map<String, Assign<TFloat32>> assigns = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : arch.variableShapes().entrySet()) {
                Shape shape = Shape.of(e.getValue());
                Variable<TFloat32> v = DigitGraph.named(tf, e.getKey()).variable(shape, TFloat32.class);
                Placeholder<TFloat32> feed = DigitGraph.named(tf, e.getKey() + "_value")
                        .placeholder(TFloat32.class, Placeholder.shape(shape));
                vars.put(e.getKey(), v);
                feeds.put(e.getKey(), feed);
                assigns.put(
                        e.getKey(), DigitGraph.named(tf, e.getKey() + "_load").assign(v, feed));
            }
            Operand<TFloat32> logits = DigitGraph.logits(tf, arch, input, vars, null);
            if (temperature != 1.0) {
                logits = tf.withName("temperature_scaled")
                        .math
                        .div(logits, tf.withName("temperature").constant((float) temperature));
            }
            Operand<TFloat32> probabilities = tf.withName(OUTPUT_KEY).nn.softmax(logits);

            try (Session session = new Session(g)) {
                for (Map.Entry<String, long[]> e : arch.variableShapes().entrySet()) {
                    float[] values = weights.get(e.getKey());
                    if (values == null || values.length != Architecture.elements(e.getValue())) {
                        throw new IllegalArgumentException("missing or mis-sized weights " + e.getKey());
                    }
                    try (TFloat32 t = TFloat32.tensorOf(Shape.of(e.getValue()), DataBuffers.of(values, true, false))) {
                        session.runner()
                                .feed(feeds.get(e.getKey()), t)
                                .addTarget(assigns.get(e.getKey()))
                                .run();
                    }
                }
                Signature signature = Signature.builder()
                        .key(ModelContract.DEFAULT_SIGNATURE)
                        .methodName(METHOD_NAME)
                        .input(INPUT_KEY, input)
                        .output(OUTPUT_KEY, probabilities)
                        .build();
                SavedModelBundle.exporter(target.toString())
                        .withTags(TAG)
                        .withFunction(SessionFunction.create(signature, session))
                        .export();
            }
        }
        deleteRecursively(versionDir);
        Files.move(target, versionDir);
        deleteRecursively(staging);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
