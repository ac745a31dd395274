package dev.digitpad.testing;

import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.inference.VersionPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Small TensorFlow SavedModels whose answers can be computed by hand, written in TensorFlow Serving's
 * layout ({@code <base>/<version>/saved_model.pb}). Every model's answer depends on its version, so a test
 * can tell which version answered.
 */
public final class TestModels {
    private TestModels() {}

    public static final String SIGNATURE = "serving_default";
    public static final String PREDICT_METHOD = "tensorflow/serving/predict";

    /** Side of the square input image of {@link Kind#MNIST}. */
    public static final int SIDE = 28;

    public static final int PIXELS = SIDE * SIDE;
    public static final int CLASSES = 10;
    /** Logit k is {@code SCALE * (sum of image row k)}, plus the version number for k = 0. */
    public static final float SCALE = 2f;
    /** Side of the square matrix of {@link Kind#SLOW}. */
    public static final int SLOW_SIDE = 1024;
    /** Matrix products chained in {@link Kind#SLOW}: about 3 s in all on an idle build machine (3x the 1 s deadline the tests give it), some ms each. */
    public static final int SLOW_STEPS = 450;

    public enum Kind {
        /** {@code flatten_input} float [-1,28,28,1] -> {@code dense} float [-1,10], softmax of {@link #logits}. */
        MNIST,
        /** {@code x} float [-1,784] -> {@code logits} float [-1,10], the same logits without softmax. */
        LOGITS,
        /** {@code a}, {@code b} float [-1,2] -> {@code sum} = a + b + version, and {@code diff} = a - b. */
        TWO_INPUTS,
        /**
         * {@code x} float [1024,1024] -> {@code y} float [] after {@link #SLOW_STEPS} chained matrix products,
         * slow enough that a short deadline expires while it runs.
         */
        SLOW,
        /**
         * One input of each element type the server accepts, each answered unchanged: {@code u8} uint8,
         * {@code i32} int32, {@code i64} int64, {@code f64} double, {@code flag} bool, all [-1]; outputs
         * {@code <input>_out}.
         */
        TYPES
    }

    /**
     * A manager that has already loaded the latest version of each model (it looks once and does not poll):
     * the usual start of a test that serves models.
     */
    public static ModelManager loaded(ModelManager.ModelConfig... models) {
        ModelManager manager = new ModelManager(List.of(models), ServableLoader.savedModels(), Duration.ZERO);
        manager.pollNow();
        return manager;
    }

    /**
     * A manager that has loaded every version of {@code model} found in {@code base} (TensorFlow Serving's {@code all
     * {}} policy), with {@code labels} (label to version) assigned, as a {@code --model_config_file} with {@code
     * version_labels} gives them.
     */
    public static ModelManager loadedWithLabels(String model, Path base, Map<String, Long> labels) {
        ModelManager manager = loaded(new ModelManager.ModelConfig(model, base, new VersionPolicy.All()));
        manager.assignLabels(Map.of(model, labels));
        return manager;
    }

    /**
     * Writes version {@code version} of a model into {@code base/<version>}, atomically: the SavedModel is
     * exported into a hidden directory next to it and then moved into place, as a careful deployer does.
     *
     * @return the version directory
     */
    public static Path writeVersion(Path base, long version, Kind kind) throws IOException {
        Files.createDirectories(base);
        Path staging = base.resolve(".staging-" + version + "-" + UUID.randomUUID());
        export(staging, version, kind);
        Path target = base.resolve(Long.toString(version));
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** Writes a version directory whose saved_model.pb is not a SavedModel at all. */
    public static Path writeGarbageVersion(Path base, long version) throws IOException {
        Path dir = base.resolve(Long.toString(version));
        Files.createDirectories(dir.resolve("variables"));
        Files.write(dir.resolve("saved_model.pb"), "this is not a SavedModel".getBytes(StandardCharsets.UTF_8));
        return dir;
    }

    /** Removes a version directory and everything in it, as a deployer rolling back does. */
    public static void deleteVersion(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Exports one model into {@code dir}, which must not exist yet. */
    public static void export(Path dir, long version, Kind kind) throws IOException {
        try (Graph graph = new Graph();
                Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            Signature signature = switch (kind) {
                case MNIST -> {
                    Placeholder<TFloat32> x = tf.withName("flatten_input")
                            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, SIDE, SIDE, 1)));
                    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new int[] {-1, PIXELS}));
                    Operand<TFloat32> y = tf.withName("dense").nn.softmax(logits(tf, flat, version));
                    yield Signature.builder()
                            .key(SIGNATURE)
                            .methodName(PREDICT_METHOD)
                            .input("flatten_input", x)
                            .output("dense", y)
                            .build();
                }
                case LOGITS -> {
                    Placeholder<TFloat32> x =
                            tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, PIXELS)));
                    Operand<TFloat32> y = tf.withName("logits").identity(logits(tf, x, version));
                    yield Signature.builder()
                            .key(SIGNATURE)
                            .methodName(PREDICT_METHOD)
                            .input("x", x)
                            .output("logits", y)
                            .build();
                }
                case TWO_INPUTS -> {
                    Placeholder<TFloat32> a =
                            tf.withName("a").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 2)));
                    Placeholder<TFloat32> b =
                            tf.withName("b").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 2)));
                    Operand<TFloat32> offset = tf.variable(tf.constant((float) version));
                    Operand<TFloat32> sum = tf.withName("sum").math.add(tf.math.add(a, b), offset);
                    Operand<TFloat32> diff = tf.withName("diff").math.sub(a, b);
                    yield Signature.builder()
                            .key(SIGNATURE)
                            .methodName(PREDICT_METHOD)
                            .input("a", a)
                            .input("b", b)
                            .output("sum", sum)
                            .output("diff", diff)
                            .build();
                }
                case SLOW -> {
                    Placeholder<TFloat32> x = tf.withName("x")
                            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(SLOW_SIDE, SLOW_SIDE)));
                    // Each product averages the rows, so values stay bounded however long the chain is.
                    Operand<TFloat32> weights = tf.math.mul(
                            tf.fill(tf.constant(new int[] {SLOW_SIDE, SLOW_SIDE}), tf.constant(1f / SLOW_SIDE)),
                            tf.variable(tf.constant(1f)));
                    Operand<TFloat32> m = x;
                    for (int i = 0; i < SLOW_STEPS; i++) {
                        m = tf.math.tanh(tf.linalg.matMul(m, weights));
                    }
                    Operand<TFloat32> y = tf.withName("y").reduceSum(m, tf.constant(new int[] {0, 1}));
                    yield Signature.builder()
                            .key(SIGNATURE)
                            .methodName(PREDICT_METHOD)
                            .input("x", x)
                            .output("y", y)
                            .build();
                }
                case TYPES -> {
                    Signature.Builder builder =
                            Signature.builder().key(SIGNATURE).methodName(PREDICT_METHOD);
                    for (var input : java.util.List
                            .<java.util.Map.Entry<String, Class<? extends org.tensorflow.types.family.TType>>>of(
                                    java.util.Map.entry("u8", org.tensorflow.types.TUint8.class),
                                    java.util.Map.entry("i32", org.tensorflow.types.TInt32.class),
                                    java.util.Map.entry("i64", org.tensorflow.types.TInt64.class),
                                    java.util.Map.entry("f64", org.tensorflow.types.TFloat64.class),
                                    java.util.Map.entry("flag", org.tensorflow.types.TBool.class))) {
                        Operand<?> in = tf.withName(input.getKey())
                                .placeholder(input.getValue(), Placeholder.shape(Shape.of(-1)));
                        builder.input(input.getKey(), in)
                                .output(
                                        input.getKey() + "_out",
                                        tf.withName(input.getKey() + "_out").identity(in));
                    }
                    tf.variable(tf.constant(version)); // the exporter saves variables; give it one
                    yield builder.build();
                }
            };
            session.initialize();
            SavedModelBundle.exporter(dir.toString())
                    .withSession(session)
                    .withSignature(signature)
                    .export();
        }
    }

    /** Logits of {@link Kind#MNIST} and {@link Kind#LOGITS}: a fixed linear layer held in variables. */
    private static Operand<TFloat32> logits(Ops tf, Operand<TFloat32> flat, long version) {
        float[][] w = new float[PIXELS][CLASSES];
        for (int i = 0; i < PIXELS; i++) {
            int row = i / SIDE;
            if (row < CLASSES) {
                w[i][row] = SCALE;
            }
        }
        float[] b = new float[CLASSES];
        b[0] = version;
        return tf.math.add(tf.linalg.matMul(flat, tf.variable(tf.constant(w))), tf.variable(tf.constant(b)));
    }

    /** The logits that {@link Kind#MNIST} and {@link Kind#LOGITS} of {@code version} compute for one image. */
    public static double[] expectedLogits(float[] image, long version) {
        double[] logits = new double[CLASSES];
        for (int i = 0; i < PIXELS; i++) {
            int row = i / SIDE;
            if (row < CLASSES) {
                logits[row] += SCALE * image[i];
            }
        }
        logits[0] += version;
        return logits;
    }

    /** The probabilities that {@link Kind#MNIST} of {@code version} answers for one image. */
    public static double[] expectedProbabilities(float[] image, long version) {
        double[] logits = expectedLogits(image, version);
        double max = java.util.Arrays.stream(logits).max().orElseThrow();
        double[] p = new double[CLASSES];
        double sum = 0;
        for (int k = 0; k < CLASSES; k++) {
            p[k] = Math.exp(logits[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < CLASSES; k++) {
            p[k] /= sum;
        }
        return p;
    }

    /** An image whose row {@code row} sums to {@code rowSum} and whose other pixels are zero. */
    public static float[] imageWithRow(int row, float rowSum) {
        float[] image = new float[PIXELS];
        for (int c = 0; c < SIDE; c++) {
            image[row * SIDE + c] = rowSum / SIDE;
        }
        return image;
    }

    /** An image as the MNIST model's one example, [28, 28, 1], as nested arrays (for JSON). */
    public static float[][][] nested(float[] image) {
        float[][][] rows = new float[SIDE][SIDE][1];
        for (int i = 0; i < image.length; i++) {
            rows[i / SIDE][i % SIDE][0] = image[i];
        }
        return rows;
    }

    /** An image where every pixel has the same value. */
    public static float[] uniformImage(float value) {
        float[] image = new float[PIXELS];
        java.util.Arrays.fill(image, value);
        return image;
    }
}
