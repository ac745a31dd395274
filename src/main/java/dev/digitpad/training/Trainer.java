package dev.digitpad.training;

import dev.digitpad.contract.ModelContract;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Trains {@link Architecture} in TensorFlow graph mode: softmax cross-entropy on digits, Adam with a learning rate
 * fed per step (warm-up then cosine decay), dropout on the hidden layer, minibatches.
 *
 * <p><b>Outlier exposure</b> (Hendrycks, Mazeika and Dietterich, ICLR 2019): an epoch may carry pictures that are
 * not digits. Each step's batch then holds the next {@code batchSize} digits plus that step's share of the
 * outliers, so every batch mixes them in the ratio the caller gave (outliers per digit of the epoch) and each
 * outlier is used once per epoch. The loss adds {@code outlierWeight} times the mean over the batch's outliers of
 * the cross-entropy from the uniform distribution to the softmax, {@code -(1/10) sum_k log softmax_k(logits)}, which
 * is smallest when the softmax is flat. Without outliers the term is zero and training is what it was before.
 *
 * <p><b>Validation and early stopping</b>: given validation digits, each epoch ends by scoring them (accuracy and
 * mean negative log-likelihood, without dropout). The weights of the epoch with the lowest validation NLL are kept
 * (NLL rather than accuracy: it moves smoothly where accuracy ties, and it is what temperature scaling then
 * minimises); after {@code patience} epochs without a lower NLL, training stops ({@code patience} 0: never early).
 *
 * <p><b>Reproducible</b>: initial weights come from a seeded Java generator, the dropout op is seeded, batches are
 * taken in the order given, and no variable is updated before every gradient of the step is computed (see the
 * comment at the updates). The same seed and data then give bit-identical weights, with 1 or 2 intra-op threads
 * alike (measured: TensorFlow's CPU kernels used here reduce in a fixed order), so no thread setting is needed for
 * reproducibility.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /** The outlier term's weight lambda unless the caller sets one. */
    public static final float DEFAULT_OUTLIER_WEIGHT = 0.5f;

    /** Validation digits scored per session run. */
    private static final int EVAL_BATCH = 500;

    /**
     * Hyper-parameters.
     *
     * @param outlierWeight lambda, the weight of the outlier term (ignored when epochs carry no outliers)
     * @param patience epochs without a lower validation NLL before stopping; 0 never stops early
     */
    public record Config(
            int epochs,
            int batchSize,
            float learningRate,
            float finalLearningRate,
            float dropout,
            long seed,
            int threads,
            float outlierWeight,
            int patience) {

        public Config {
            if (outlierWeight < 0 || patience < 0) {
                throw new IllegalArgumentException("outlierWeight and patience must not be negative");
            }
        }

        /** Outlier weight {@value #DEFAULT_OUTLIER_WEIGHT}, no early stopping. */
        public Config(
                int epochs,
                int batchSize,
                float learningRate,
                float finalLearningRate,
                float dropout,
                long seed,
                int threads) {
            this(epochs, batchSize, learningRate, finalLearningRate, dropout, seed, threads, DEFAULT_OUTLIER_WEIGHT, 0);
        }

        public Config withOutlierWeight(float lambda) {
            return new Config(
                    epochs, batchSize, learningRate, finalLearningRate, dropout, seed, threads, lambda, patience);
        }

        public Config withPatience(int epochsWithoutImprovement) {
            return new Config(
                    epochs,
                    batchSize,
                    learningRate,
                    finalLearningRate,
                    dropout,
                    seed,
                    threads,
                    outlierWeight,
                    epochsWithoutImprovement);
        }
    }

    /**
     * One epoch of already shuffled, normalised training data: n x 784 floats of digits, their n labels, and m x 784
     * floats of pictures that are not digits (m may be 0).
     */
    public record Epoch(float[] images, int[] labels, float[] outliers) {
        public Epoch {
            if (images.length != labels.length * ModelContract.PIXELS || outliers.length % ModelContract.PIXELS != 0) {
                throw new IllegalArgumentException("images, labels and outliers do not match in size");
            }
        }

        /** Digits only. */
        public Epoch(float[] images, int[] labels) {
            this(images, labels, new float[0]);
        }

        public int size() {
            return labels.length;
        }

        public int outlierCount() {
            return outliers.length / ModelContract.PIXELS;
        }
    }

    /** Digits scored after each epoch: n x 784 floats and n labels. */
    public record Validation(float[] images, int[] labels) {
        public Validation {
            if (images.length != labels.length * ModelContract.PIXELS || labels.length == 0) {
                throw new IllegalArgumentException("validation images and labels do not match, or are empty");
            }
        }

        public int size() {
            return labels.length;
        }
    }

    /**
     * What one epoch did: mean digit cross-entropy and mean outlier term over its batches (NaN without outliers),
     * validation accuracy and mean NLL (NaN without validation).
     */
    public record EpochStats(
            int epoch, double digitLoss, double outlierLoss, double validationAccuracy, double validationNll) {}

    /**
     * The outcome of training.
     *
     * @param weights the learned variables by name: those of {@code bestEpoch}
     * @param bestEpoch 1-based epoch whose weights these are (the last epoch run, without validation)
     * @param validationLogits logits of the validation digits under {@code weights}, one row of 10 per digit
     *     (empty without validation), for calibration
     * @param history one entry per epoch run
     * @param stoppedEarly whether patience ran out before the configured epochs
     */
    public record Trained(
            Map<String, float[]> weights,
            int bestEpoch,
            float[][] validationLogits,
            List<EpochStats> history,
            boolean stoppedEarly) {}

    private Trainer() {}

    /**
     * Trains without validation and returns the learned variables by name.
     *
     * @param epochs supplies epoch {@code e} (0-based); called once per epoch, in order
     */
    public static Map<String, float[]> train(Architecture arch, Config config, IntFunction<Epoch> epochs) {
        return train(arch, config, epochs, null).weights();
    }

    /**
     * Trains, scoring {@code validation} (may be null) after each epoch, and returns the best epoch's weights.
     *
     * @param epochs supplies epoch {@code e} (0-based); called once per epoch, in order, until training stops
     */
    public static Trained train(Architecture arch, Config config, IntFunction<Epoch> epochs, Validation validation) {
        Map<String, float[]> init = arch.initialValues(config.seed());
        ConfigProto sessionConfig = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(config.threads())
                .setInterOpParallelismThreads(1)
                .setUsePerSessionThreads(true)
                .build();
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> x = tf.withName("input")
                    .placeholder(TFloat32.class, Placeholder.shape(Shape.of(ModelContract.inputShape())));
            // Target distributions: one-hot for digits, uniform (0.1 each) for outliers.
            Placeholder<TFloat32> y =
                    tf.withName("targets").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 10)));
            // Per-row weights: 1/digits on digit rows, 1/outliers on outlier rows, 0 elsewhere.
            Placeholder<TFloat32> digitWeights =
                    tf.withName("digit_weights").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
            Placeholder<TFloat32> outlierWeights =
                    tf.withName("outlier_weights").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
            Placeholder<TFloat32> lr = tf.withName("lr").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            Placeholder<TFloat32> b1Power =
                    tf.withName("beta1_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            Placeholder<TFloat32> b2Power =
                    tf.withName("beta2_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));

            Map<String, Variable<TFloat32>> vars = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : arch.variableShapes().entrySet()) {
                Shape shape = Shape.of(e.getValue());
                vars.put(
                        e.getKey(),
                        DigitGraph.named(tf, e.getKey())
                                .variable(tf.constant(shape, DataBuffers.of(init.get(e.getKey()), true, false))));
            }

            float keep = 1f - config.dropout();
            long seed = config.seed();
            Operand<TFloat32> logits = DigitGraph.logits(tf, arch, x, vars, h -> {
                if (keep >= 1f) {
                    return h;
                }
                Operand<TFloat32> u = tf.random.randomUniform(
                        tf.shape(h), TFloat32.class, RandomUniform.seed(seed).seed2(seed + 1));
                Operand<TFloat32> mask = tf.math.floor(tf.math.add(u, tf.constant(keep)));
                return tf.math.mul(h, tf.math.mul(mask, tf.constant(1f / keep)));
            });
            Operand<TFloat32> evalLogits = DigitGraph.logits(tf, arch, x, vars, null);
            // softmax cross-entropy against a uniform target is -(1/10) sum_k log softmax_k: the outlier term
            Operand<TFloat32> rowLoss =
                    tf.nn.softmaxCrossEntropyWithLogits(logits, y).loss();
            Operand<TFloat32> digitLoss = tf.sum(tf.math.mul(rowLoss, digitWeights), tf.constant(0));
            Operand<TFloat32> outlierLoss = tf.sum(tf.math.mul(rowLoss, outlierWeights), tf.constant(0));
            Operand<TFloat32> loss =
                    tf.math.add(digitLoss, tf.math.mul(tf.constant(config.outlierWeight()), outlierLoss));

            List<String> names = new ArrayList<>(vars.keySet());
            Output<?>[] varOutputs = new Output<?>[names.size()];
            for (int i = 0; i < names.size(); i++) {
                varOutputs[i] = vars.get(names.get(i)).asOutput();
            }
            Output<?>[] grads = g.addGradients(loss.asOutput(), varOutputs);
            Operand<TFloat32> beta1 = tf.constant(0.9f);
            Operand<TFloat32> beta2 = tf.constant(0.999f);
            Operand<TFloat32> eps = tf.constant(1e-7f);
            // The variables are TensorFlow reference variables, read in place: an update must not start before
            // every gradient is computed, or a backward op still to run would read a half-updated weight, and
            // the result would depend on the order the executor happens to run ops in.
            List<Operation> gradientOps = new ArrayList<>();
            for (Output<?> grad : grads) {
                gradientOps.add(grad.op());
            }
            Ops afterGradients = tf.withControlDependencyOps(gradientOps);
            List<Op> updates = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                Variable<TFloat32> v = vars.get(names.get(i));
                Shape shape = Shape.of(arch.variableShapes().get(names.get(i)));
                Variable<TFloat32> m = DigitGraph.named(tf, names.get(i) + "_adam_m")
                        .variable(tf.zeros(tf.constant(shape.asArray()), TFloat32.class));
                Variable<TFloat32> s = DigitGraph.named(tf, names.get(i) + "_adam_v")
                        .variable(tf.zeros(tf.constant(shape.asArray()), TFloat32.class));
                @SuppressWarnings("unchecked")
                Output<TFloat32> grad = (Output<TFloat32>) grads[i];
                updates.add(afterGradients.train.applyAdam(v, m, s, b1Power, b2Power, lr, beta1, beta2, eps, grad));
            }
            Op step = tf.withControlDependencies(updates).withName("train_step").noOp();

            try (Session session = new Session(g, sessionConfig)) {
                session.initialize();
                int t = 0;
                int totalSteps = -1;
                List<EpochStats> history = new ArrayList<>();
                Map<String, float[]> best = null;
                float[][] bestLogits = new float[0][];
                int bestEpoch = 0;
                double bestNll = Double.POSITIVE_INFINITY;
                boolean stoppedEarly = false;
                for (int epoch = 0; epoch < config.epochs(); epoch++) {
                    long started = System.nanoTime();
                    Epoch data = epochs.apply(epoch);
                    int n = data.size();
                    int outliers = data.outlierCount();
                    int stepsPerEpoch = (n + config.batchSize() - 1) / config.batchSize();
                    if (totalSteps < 0) {
                        totalSteps = stepsPerEpoch * config.epochs();
                    }
                    double digitSum = 0;
                    double outlierSum = 0;
                    int outlierBatches = 0;
                    int batches = 0;
                    for (int start = 0; start < n; start += config.batchSize()) {
                        int b = Math.min(config.batchSize(), n - start);
                        // this step's share of the outliers: [o0, o1), so each is used once per epoch
                        int o0 = (int) ((long) batches * outliers / stepsPerEpoch);
                        int o1 = (int) ((long) (batches + 1) * outliers / stepsPerEpoch);
                        int o = o1 - o0;
                        int rows = b + o;
                        float[] xb = new float[rows * ModelContract.PIXELS];
                        System.arraycopy(data.images(), start * ModelContract.PIXELS, xb, 0, b * ModelContract.PIXELS);
                        System.arraycopy(
                                data.outliers(),
                                o0 * ModelContract.PIXELS,
                                xb,
                                b * ModelContract.PIXELS,
                                o * ModelContract.PIXELS);
                        float[] yb = new float[rows * 10];
                        float[] wd = new float[rows];
                        float[] wo = new float[rows];
                        for (int i = 0; i < b; i++) {
                            yb[i * 10 + data.labels()[start + i]] = 1f;
                            wd[i] = 1f / b;
                        }
                        for (int i = b; i < rows; i++) {
                            Arrays.fill(yb, i * 10, i * 10 + 10, 0.1f);
                            wo[i] = 1f / o;
                        }
                        t++;
                        float rate = learningRate(config, t, totalSteps);
                        try (TFloat32 xt = TFloat32.tensorOf(
                                        Shape.of(ModelContract.inputShape(rows)), DataBuffers.of(xb, true, false));
                                TFloat32 yt = TFloat32.tensorOf(Shape.of(rows, 10), DataBuffers.of(yb, true, false));
                                TFloat32 wdt = TFloat32.tensorOf(Shape.of(rows), DataBuffers.of(wd, true, false));
                                TFloat32 wot = TFloat32.tensorOf(Shape.of(rows), DataBuffers.of(wo, true, false));
                                TFloat32 lrt = TFloat32.scalarOf(rate);
                                TFloat32 p1 = TFloat32.scalarOf((float) Math.pow(0.9, t));
                                TFloat32 p2 = TFloat32.scalarOf((float) Math.pow(0.999, t));
                                Result r = session.runner()
                                        .feed(x, xt)
                                        .feed(y, yt)
                                        .feed(digitWeights, wdt)
                                        .feed(outlierWeights, wot)
                                        .feed(lr, lrt)
                                        .feed(b1Power, p1)
                                        .feed(b2Power, p2)
                                        .addTarget(step)
                                        .fetch(digitLoss)
                                        .fetch(outlierLoss)
                                        .run()) {
                            digitSum += ((TFloat32) r.get(0)).getFloat();
                            if (o > 0) {
                                outlierSum += ((TFloat32) r.get(1)).getFloat();
                                outlierBatches++;
                            }
                            batches++;
                        }
                    }
                    double accuracy = Double.NaN;
                    double nll = Double.NaN;
                    float[][] valLogits = null;
                    if (validation != null) {
                        valLogits = logitsOf(session, x, evalLogits, validation.images(), validation.size());
                        accuracy = accuracy(valLogits, validation.labels());
                        nll = Calibration.nll(valLogits, validation.labels(), 1.0);
                    }
                    EpochStats stats = new EpochStats(
                            epoch + 1,
                            digitSum / batches,
                            outlierBatches == 0 ? Double.NaN : outlierSum / outlierBatches,
                            accuracy,
                            nll);
                    history.add(stats);
                    LOG.info(
                            "epoch {}/{}: {} digits, {} outliers, digit loss {}, outlier term {}, validation"
                                    + " accuracy {} NLL {}, lr {}, {} s",
                            epoch + 1,
                            config.epochs(),
                            n,
                            outliers,
                            String.format("%.4f", stats.digitLoss()),
                            String.format("%.4f", stats.outlierLoss()),
                            String.format("%.4f", accuracy),
                            String.format("%.4f", nll),
                            String.format("%.5f", learningRate(config, t, totalSteps)),
                            String.format("%.1f", (System.nanoTime() - started) / 1e9));
                    if (validation == null || nll < bestNll) {
                        best = variables(session, arch, vars);
                        bestEpoch = epoch + 1;
                        if (validation != null) {
                            bestNll = nll;
                            bestLogits = valLogits;
                        }
                    } else if (config.patience() > 0 && epoch + 1 - bestEpoch >= config.patience()) {
                        stoppedEarly = epoch + 1 < config.epochs();
                        LOG.info(
                                "no lower validation NLL for {} epochs: stopping, keeping epoch {} (NLL {})",
                                config.patience(),
                                bestEpoch,
                                String.format("%.4f", bestNll));
                        break;
                    }
                }
                if (best == null) {
                    // validation NLL was never finite: keep the last weights
                    best = variables(session, arch, vars);
                    bestEpoch = history.size();
                }
                return new Trained(best, bestEpoch, bestLogits, List.copyOf(history), stoppedEarly);
            }
        }
    }

    /** The current values of the trainable variables, by name. */
    private static Map<String, float[]> variables(
            Session session, Architecture arch, Map<String, Variable<TFloat32>> vars) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, Variable<TFloat32>> e : vars.entrySet()) {
            float[] v = new float
                    [Math.toIntExact(Architecture.elements(arch.variableShapes().get(e.getKey())))];
            try (Result r = session.runner().fetch(e.getValue()).run()) {
                ((TFloat32) r.get(0)).copyTo(DataBuffers.of(v, false, false));
            }
            values.put(e.getKey(), v);
        }
        return values;
    }

    /** Logits without dropout for {@code n} images, in batches. */
    private static float[][] logitsOf(
            Session session, Placeholder<TFloat32> x, Operand<TFloat32> logits, float[] images, int n) {
        float[][] out = new float[n][10];
        float[] flat = new float[EVAL_BATCH * 10];
        for (int start = 0; start < n; start += EVAL_BATCH) {
            int b = Math.min(EVAL_BATCH, n - start);
            float[] xb = new float[b * ModelContract.PIXELS];
            System.arraycopy(images, start * ModelContract.PIXELS, xb, 0, xb.length);
            try (TFloat32 xt =
                            TFloat32.tensorOf(Shape.of(ModelContract.inputShape(b)), DataBuffers.of(xb, true, false));
                    Result r = session.runner().feed(x, xt).fetch(logits).run()) {
                ((TFloat32) r.get(0)).copyTo(DataBuffers.of(flat, false, false));
            }
            for (int i = 0; i < b; i++) {
                System.arraycopy(flat, i * 10, out[start + i], 0, 10);
            }
        }
        return out;
    }

    private static double accuracy(float[][] logits, int[] labels) {
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (SavedModelClassifier.argmax(logits[i]) == labels[i]) {
                correct++;
            }
        }
        return (double) correct / labels.length;
    }

    /** Linear warm-up over the first 3 % of steps, then cosine decay to the final rate. */
    static float learningRate(Config c, int step, int totalSteps) {
        int warm = Math.max(1, totalSteps * 3 / 100);
        if (step <= warm) {
            return c.learningRate() * step / warm;
        }
        double progress = Math.min(1.0, (double) (step - warm) / Math.max(1, totalSteps - warm));
        double cos = 0.5 * (1 + Math.cos(Math.PI * progress));
        return (float) (c.finalLearningRate() + (c.learningRate() - c.finalLearningRate()) * cos);
    }
}
