package dev.digitpad.training;

import dev.digitpad.contract.ModelContract;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
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
 * Trains {@link Architecture} in TensorFlow graph mode: softmax cross-entropy, Adam with a
 * learning rate fed per step (warm-up then cosine decay), dropout on the hidden layer, minibatches.
 * Initial weights come from a seeded Java generator; the dropout op is seeded too.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /** Hyper-parameters. */
    public record Config(
            int epochs,
            int batchSize,
            float learningRate,
            float finalLearningRate,
            float dropout,
            long seed,
            int threads) {}

    /** One epoch of already shuffled, normalised training digits: n x 784 floats and n labels. */
    public record Epoch(float[] images, int[] labels) {
        public int size() {
            return labels.length;
        }
    }

    private Trainer() {}

    /**
     * Trains and returns the learned variables by name.
     *
     * @param epochs supplies epoch {@code e} (0-based); called once per epoch, in order
     */
    public static Map<String, float[]> train(Architecture arch, Config config, IntFunction<Epoch> epochs) {
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
            Placeholder<TFloat32> y =
                    tf.withName("labels").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 10)));
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
            Operand<TFloat32> loss =
                    tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, y).loss(), tf.constant(0));

            List<String> names = new ArrayList<>(vars.keySet());
            Output<?>[] varOutputs = new Output<?>[names.size()];
            for (int i = 0; i < names.size(); i++) {
                varOutputs[i] = vars.get(names.get(i)).asOutput();
            }
            Output<?>[] grads = g.addGradients(loss.asOutput(), varOutputs);
            Operand<TFloat32> beta1 = tf.constant(0.9f);
            Operand<TFloat32> beta2 = tf.constant(0.999f);
            Operand<TFloat32> eps = tf.constant(1e-7f);
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
                updates.add(tf.train.applyAdam(v, m, s, b1Power, b2Power, lr, beta1, beta2, eps, grad));
            }
            Op step = tf.withControlDependencies(updates).withName("train_step").noOp();

            try (Session session = new Session(g, sessionConfig)) {
                session.initialize();
                int t = 0;
                int totalSteps = -1;
                for (int epoch = 0; epoch < config.epochs(); epoch++) {
                    long started = System.nanoTime();
                    Epoch data = epochs.apply(epoch);
                    int n = data.size();
                    int stepsPerEpoch = (n + config.batchSize() - 1) / config.batchSize();
                    if (totalSteps < 0) {
                        totalSteps = stepsPerEpoch * config.epochs();
                    }
                    double lossSum = 0;
                    int batches = 0;
                    for (int start = 0; start < n; start += config.batchSize()) {
                        int b = Math.min(config.batchSize(), n - start);
                        float[] xb = new float[b * ModelContract.PIXELS];
                        System.arraycopy(data.images(), start * ModelContract.PIXELS, xb, 0, b * ModelContract.PIXELS);
                        float[] yb = new float[b * 10];
                        for (int i = 0; i < b; i++) {
                            yb[i * 10 + data.labels()[start + i]] = 1f;
                        }
                        t++;
                        float rate = learningRate(config, t, totalSteps);
                        try (TFloat32 xt = TFloat32.tensorOf(
                                        Shape.of(ModelContract.inputShape(b)), DataBuffers.of(xb, true, false));
                                TFloat32 yt = TFloat32.tensorOf(Shape.of(b, 10), DataBuffers.of(yb, true, false));
                                TFloat32 lrt = TFloat32.scalarOf(rate);
                                TFloat32 p1 = TFloat32.scalarOf((float) Math.pow(0.9, t));
                                TFloat32 p2 = TFloat32.scalarOf((float) Math.pow(0.999, t));
                                Result r = session.runner()
                                        .feed(x, xt)
                                        .feed(y, yt)
                                        .feed(lr, lrt)
                                        .feed(b1Power, p1)
                                        .feed(b2Power, p2)
                                        .addTarget(step)
                                        .fetch(loss)
                                        .run()) {
                            lossSum += ((TFloat32) r.get(0)).getFloat();
                            batches++;
                        }
                    }
                    LOG.info(
                            "epoch {}/{}: {} digits, mean loss {}, lr {}, {} s",
                            epoch + 1,
                            config.epochs(),
                            n,
                            String.format("%.4f", lossSum / batches),
                            String.format("%.5f", learningRate(config, t, totalSteps)),
                            String.format("%.1f", (System.nanoTime() - started) / 1e9));
                }
                Map<String, float[]> trained = new LinkedHashMap<>();
                for (String name : names) {
                    float[] values = new float
                            [Math.toIntExact(
                                    Architecture.elements(arch.variableShapes().get(name)))];
                    try (Result r = session.runner().fetch(vars.get(name)).run()) {
                        ((TFloat32) r.get(0)).copyTo(DataBuffers.of(values, false, false));
                    }
                    trained.put(name, values);
                }
                return trained;
            }
        }
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
