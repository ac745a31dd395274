package dev.digitpad.training;

import dev.digitpad.contract.ModelContract;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The shape of the digit CNN: conv kxk (1 -> c1) + ReLU, max-pool 2, conv kxk (c1 -> c2) + ReLU,
 * max-pool 2, dense (7*7*c2 -> d) + ReLU, dense (d -> 10), softmax. All convolutions use SAME
 * padding, so the spatial sizes are 28, 14, 7.
 */
public record Architecture(int kernel1, int conv1, int kernel2, int conv2, int dense) {

    /** The shipped architecture. */
    public static final Architecture DEFAULT = new Architecture(5, 16, 5, 32, 128);

    /**
     * A slightly stronger option: wider convolutions (24 and 40 channels), the same dense layer. About 1.8x the
     * FLOPs and 1.3x the parameters of {@link #DEFAULT}, but a single prediction costs only a little more: at this
     * size the time goes mostly to the session run's fixed cost and to reading the dense layer's weights, which grow
     * with the second convolution's width only (7 * 7 * conv2 inputs). Widening that one further (48 channels)
     * measured 1.7x the latency; widening the first one is cheap.
     */
    public static final Architecture WIDE = new Architecture(5, 24, 5, 40, 128);

    /**
     * Between the two: the first convolution as wide as {@link #WIDE}'s, the second as {@link #DEFAULT}'s, so the dense
     * layer stays {@link #DEFAULT}'s size; 1.47x {@link #DEFAULT}'s FLOPs. With trained weights in {@code digitpad
     * benchmark} (the tensorflow-java row, alternated in one run), {@link #DEFAULT} took 124-127 us and {@link #WIDE}
     * 194-195 us. Trained by the shipped recipe (seed 7), this one scored below {@link #WIDE} on every count: MNIST
     * test 99.32 % against 99.50 %, scans 96.8 % against 97.5 %, 5.3 % of held-out non-digits answered at 0.6
     * against 4.4 %; so {@link #WIDE} ships.
     */
    public static final Architecture MEDIUM = new Architecture(5, 24, 5, 32, 128);

    /** The name of the architecture of the model that ships with DigitPad, and that {@code digitpad train} builds. */
    public static final String SHIPPED = "wide";

    /** The architectures {@code digitpad train} can build, by name. */
    public static final Map<String, Architecture> OPTIONS = Map.of("default", DEFAULT, "medium", MEDIUM, "wide", WIDE);

    /** The architecture named {@code name} in {@link #OPTIONS}. */
    public static Architecture named(String name) {
        Architecture a = OPTIONS.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no architecture " + name + "; choose one of " + OPTIONS.keySet());
        }
        return a;
    }

    public int flatFeatures() {
        return 7 * 7 * conv2;
    }

    /** Names and shapes of the trainable variables, in a fixed order. */
    public Map<String, long[]> variableShapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("conv1_kernel", new long[] {kernel1, kernel1, 1, conv1});
        m.put("conv1_bias", new long[] {conv1});
        m.put("conv2_kernel", new long[] {kernel2, kernel2, conv1, conv2});
        m.put("conv2_bias", new long[] {conv2});
        m.put("hidden_kernel", new long[] {flatFeatures(), dense});
        m.put("hidden_bias", new long[] {dense});
        m.put("logits_kernel", new long[] {dense, 10});
        m.put("logits_bias", new long[] {10});
        return m;
    }

    public long parameterCount() {
        long n = 0;
        for (long[] s : variableShapes().values()) {
            n += elements(s);
        }
        return n;
    }

    /** Multiply-adds counted as 2 FLOPs, for one 28x28 input (bias, ReLU, pooling, softmax ignored). */
    public long flopsPerPrediction() {
        long c1 = (long) ModelContract.PIXELS * conv1 * kernel1 * kernel1;
        long c2 = 14L * 14 * conv2 * kernel2 * kernel2 * conv1;
        long d1 = (long) flatFeatures() * dense;
        long d2 = dense * 10L;
        return 2 * (c1 + c2 + d1 + d2);
    }

    /** He-normal kernels, zero biases, from a seeded generator. */
    public Map<String, float[]> initialValues(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : variableShapes().entrySet()) {
            long[] s = e.getValue();
            float[] v = new float[Math.toIntExact(elements(s))];
            if (e.getKey().endsWith("_kernel")) {
                long fanIn = 1;
                for (int i = 0; i < s.length - 1; i++) {
                    fanIn *= s[i];
                }
                double std = Math.sqrt(2.0 / fanIn);
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (gaussian(rng) * std);
                }
            }
            values.put(e.getKey(), v);
        }
        return values;
    }

    public static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private static double gaussian(SplittableRandom rng) {
        // Box-Muller, truncated at 2 sd like a truncated normal initialiser
        while (true) {
            double u = 1.0 - rng.nextDouble();
            double z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
            if (Math.abs(z) <= 2) {
                return z;
            }
        }
    }

    public List<String> describe() {
        return List.of(
                "input 28x28x1 (0..1, ink bright on dark)",
                "conv " + kernel1 + "x" + kernel1 + " x" + conv1 + " SAME + ReLU -> 28x28x" + conv1,
                "max-pool 2x2 -> 14x14x" + conv1,
                "conv " + kernel2 + "x" + kernel2 + " x" + conv2 + " SAME + ReLU -> 14x14x" + conv2,
                "max-pool 2x2 -> 7x7x" + conv2,
                "dense " + flatFeatures() + " -> " + dense + " + ReLU (dropout only while training)",
                "dense " + dense + " -> 10, softmax");
    }
}
