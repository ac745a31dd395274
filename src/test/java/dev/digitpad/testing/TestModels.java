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
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.io.ParseExample;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;

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
        TYPES,
        /**
         * {@code text} string [-1] -> {@code text_bytes} string [-1] (the input unchanged; by its name, answered in
         * base64 over REST), {@code echo} string [-1] (the same, under a name REST answers as plain strings), and
         * {@code length} int32 [-1], each string's length in bytes.
         */
        STRINGS,
        /**
         * Signatures over serialized {@code tf.Example}s with a required float feature {@code x} and an optional float
         * feature {@code bias} (0 when absent), as TensorFlow Serving's Classify and Regress call them; see
         * {@link Examples}.
         */
        EXAMPLES,
        /**
         * Two Predict signatures over one input {@code image} float [-1,28,28]: {@code serving_default} answers {@code
         * probabilities} float [-1,10] (the softmax of {@link #logits}), and {@link #LOGITS_SIGNATURE} answers {@code
         * logits} float [-1,10].
         */
        TWO_SIGNATURES,
        /**
         * {@code flatten_input} float [-1,28,28,1] -> {@code dense} float [-1,10], the softmax of logits that look at
         * the top-left {@link TestModels#QUADRANT}x{@link TestModels#QUADRANT} pixels alone: logit 0 is {@link TestModels#QUADRANT_WEIGHT} times
         * their mean, the others 0 (the same for every version).
         */
        QUADRANT
    }

    /** The second signature of {@link Kind#TWO_SIGNATURES}. */
    public static final String LOGITS_SIGNATURE = "logits";

    /** Side of the top-left square that {@link Kind#QUADRANT} looks at. */
    public static final int QUADRANT = SIDE / 2;
    /** Logit 0 of {@link Kind#QUADRANT} for a quadrant of ones: small enough that the softmax does not saturate. */
    public static final float QUADRANT_WEIGHT = 4f;

    /**
     * The signatures of {@link Kind#EXAMPLES}. Each of the classify and regress ones takes {@code inputs}, a DT_STRING
     * [-1] of serialized {@code tf.Example}s, which it parses with {@code tf.io.parse_example}.
     */
    public static final class Examples {
        private Examples() {}

        public static final String CLASSIFY_METHOD = "tensorflow/serving/classify";
        public static final String REGRESS_METHOD = "tensorflow/serving/regress";

        /** Classify: {@code classes} string [-1,2], always {@link #LABELS}, and {@code scores} float [-1,2]. */
        public static final String CLASSIFY = "classify";
        /** Classify with {@code scores} alone. */
        public static final String SCORES_ONLY = "classify_scores";
        /** Regress: {@code outputs} float [-1], {@link #regression}. */
        public static final String REGRESS = "regress";
        /** Regress with {@code outputs} float [-1,1]. */
        public static final String REGRESS_COLUMN = "regress_column";
        /** Classify whose {@code scores} are DT_DOUBLE, which TensorFlow Serving refuses. */
        public static final String DOUBLE_SCORES = "classify_double_scores";
        /** Classify whose {@code scores} are a vector [-1], not a matrix. */
        public static final String VECTOR_SCORES = "classify_vector_scores";
        /** Regress whose {@code outputs} are [-1,2], two values an example. */
        public static final String WIDE_OUTPUTS = "regress_wide_outputs";
        /** Classify whose {@code classes} are [-1,2] and {@code scores} [-1,3]: they disagree on the class count. */
        public static final String MISMATCHED = "classify_mismatched";

        /** The labels {@link #CLASSIFY} gives every example, in order. */
        public static final List<String> LABELS = List.of("low", "high");

        /** The default signature, a Predict one: {@code x} float [-1] -> {@code y} = 3x + version. */
        public static final String PREDICT_INPUT = "x";

        /** What {@link #REGRESS} answers for an example: 3x + bias + version. */
        public static float regression(float x, float bias, long version) {
            return 3 * x + bias + version;
        }

        /** What {@link #CLASSIFY} scores an example: {@code low} = -(x + bias), {@code high} = x + bias + version. */
        public static float[] scores(float x, float bias, long version) {
            return new float[] {-(x + bias), x + bias + version};
        }
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
                case STRINGS -> {
                    Placeholder<TString> text =
                            tf.withName("text").placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
                    tf.variable(tf.constant(version));
                    yield Signature.builder()
                            .key(SIGNATURE)
                            .methodName(PREDICT_METHOD)
                            .input("text", text)
                            .output("text_bytes", tf.withName("text_bytes").identity(text))
                            .output("echo", tf.withName("echo").identity(text))
                            .output("length", tf.withName("length").strings.stringLength(text))
                            .build();
                }
                case EXAMPLES -> null; // several signatures: below
                case TWO_SIGNATURES -> null; // below
                case QUADRANT -> {
                    Placeholder<TFloat32> x = tf.withName("flatten_input")
                            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, SIDE, SIDE, 1)));
                    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new int[] {-1, PIXELS}));
                    float[][] w = new float[PIXELS][CLASSES];
                    for (int i = 0; i < PIXELS; i++) {
                        if (i / SIDE < QUADRANT && i % SIDE < QUADRANT) {
                            w[i][0] = QUADRANT_WEIGHT / (QUADRANT * QUADRANT);
                        }
                    }
                    Operand<TFloat32> y =
                            tf.withName("dense").nn.softmax(tf.linalg.matMul(flat, tf.variable(tf.constant(w))));
                    yield Signature.builder()
                            .key(SIGNATURE)
                            .methodName(PREDICT_METHOD)
                            .input("flatten_input", x)
                            .output("dense", y)
                            .build();
                }
            };
            List<Signature> signatures = kind == Kind.EXAMPLES
                    ? exampleSignatures(tf, version)
                    : kind == Kind.TWO_SIGNATURES ? twoSignatures(tf, version) : List.of(signature);
            session.initialize();
            SavedModelBundle.Exporter exporter =
                    SavedModelBundle.exporter(dir.toString()).withSession(session);
            signatures.forEach(exporter::withSignature);
            exporter.export();
        }
    }

    /** The signatures of {@link Kind#TWO_SIGNATURES}. */
    private static List<Signature> twoSignatures(Ops tf, long version) {
        Placeholder<TFloat32> image =
                tf.withName("image").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, SIDE, SIDE)));
        Operand<TFloat32> logits = tf.withName("logits")
                .identity(logits(tf, tf.reshape(image, tf.constant(new int[] {-1, PIXELS})), version));
        return List.of(
                Signature.builder()
                        .key(SIGNATURE)
                        .methodName(PREDICT_METHOD)
                        .input("image", image)
                        .output("probabilities", tf.withName("probabilities").nn.softmax(logits))
                        .build(),
                Signature.builder()
                        .key(LOGITS_SIGNATURE)
                        .methodName(PREDICT_METHOD)
                        .input("image", image)
                        .output("logits", logits)
                        .build());
    }

    /** The signatures of {@link Kind#EXAMPLES}, the default Predict one first. */
    private static List<Signature> exampleSignatures(Ops tf, long version) {
        Operand<TFloat32> offset = tf.variable(tf.constant((float) version));
        Placeholder<TFloat32> plain = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
        Operand<TFloat32> y = tf.withName("y").math.add(tf.math.mul(plain, tf.constant(3f)), offset);
        Placeholder<TString> serialized =
                tf.withName("serialized").placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
        // x is required (an empty default), bias defaults to 0: both scalars per example.
        Operand<TString> noStrings = tf.constant(Shape.of(0), DataBuffers.ofObjects(String.class, 0));
        ParseExample parsed = tf.io.parseExample(
                serialized,
                noStrings,
                noStrings,
                tf.array("x", "bias"),
                noStrings,
                List.of(tf.constant(new float[0]), tf.constant(0f)),
                0L,
                List.of(),
                List.of(),
                List.of(),
                List.of(Shape.scalar(), Shape.scalar()));
        @SuppressWarnings("unchecked")
        Operand<TFloat32> x = (Operand<TFloat32>) parsed.denseValues().get(0);
        @SuppressWarnings("unchecked")
        Operand<TFloat32> bias = (Operand<TFloat32>) parsed.denseValues().get(1);
        Operand<TFloat32> sum = tf.math.add(x, bias);
        Operand<TFloat32> column = tf.expandDims(sum, tf.constant(1));
        Operand<TFloat32> scores =
                tf.withName("scores").concat(List.of(tf.math.neg(column), tf.math.add(column, offset)), tf.constant(1));
        Operand<TInt32> batch = tf.size(sum);
        Operand<TString> classes = tf.withName("classes")
                .tile(
                        tf.constant(
                                Shape.of(1, Examples.LABELS.size()),
                                DataBuffers.ofObjects(Examples.LABELS.toArray(String[]::new))),
                        tf.stack(List.of(batch, tf.constant(1))));
        Operand<TFloat32> regression =
                tf.withName("outputs").math.add(tf.math.add(tf.math.mul(x, tf.constant(3f)), bias), offset);
        return List.of(
                Signature.builder()
                        .key(SIGNATURE)
                        .methodName(PREDICT_METHOD)
                        .input(Examples.PREDICT_INPUT, plain)
                        .output("y", y)
                        .build(),
                Signature.builder()
                        .key(Examples.CLASSIFY)
                        .methodName(Examples.CLASSIFY_METHOD)
                        .input("inputs", serialized)
                        .output("classes", classes)
                        .output("scores", scores)
                        .build(),
                Signature.builder()
                        .key(Examples.SCORES_ONLY)
                        .methodName(Examples.CLASSIFY_METHOD)
                        .input("inputs", serialized)
                        .output("scores", scores)
                        .build(),
                Signature.builder()
                        .key(Examples.REGRESS)
                        .methodName(Examples.REGRESS_METHOD)
                        .input("inputs", serialized)
                        .output("outputs", regression)
                        .build(),
                Signature.builder()
                        .key(Examples.REGRESS_COLUMN)
                        .methodName(Examples.REGRESS_METHOD)
                        .input("inputs", serialized)
                        .output("outputs", tf.expandDims(regression, tf.constant(1)))
                        .build(),
                Signature.builder()
                        .key(Examples.DOUBLE_SCORES)
                        .methodName(Examples.CLASSIFY_METHOD)
                        .input("inputs", serialized)
                        .output("scores", tf.dtypes.cast(scores, TFloat64.class))
                        .build(),
                Signature.builder()
                        .key(Examples.VECTOR_SCORES)
                        .methodName(Examples.CLASSIFY_METHOD)
                        .input("inputs", serialized)
                        .output("scores", sum)
                        .build(),
                Signature.builder()
                        .key(Examples.WIDE_OUTPUTS)
                        .methodName(Examples.REGRESS_METHOD)
                        .input("inputs", serialized)
                        .output("outputs", scores)
                        .build(),
                Signature.builder()
                        .key(Examples.MISMATCHED)
                        .methodName(Examples.CLASSIFY_METHOD)
                        .input("inputs", serialized)
                        .output("classes", classes)
                        .output("scores", tf.concat(List.of(scores, column), tf.constant(1)))
                        .build());
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
