package dev.digitpad.training;

import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Builds the forward pass of {@link Architecture} into a graph. */
final class DigitGraph {
    private static final List<Long> STRIDE_1 = List.of(1L, 1L, 1L, 1L);

    private DigitGraph() {}

    /**
     * Logits for {@code input} [-1, 28, 28, 1].
     *
     * @param vars variables by {@link Architecture#variableShapes()} name
     * @param hiddenTransform applied to the hidden layer's activations (dropout while training),
     *     or null
     */
    static Operand<TFloat32> logits(
            Ops tf,
            Architecture arch,
            Operand<TFloat32> input,
            Map<String, ? extends Operand<TFloat32>> vars,
            java.util.function.UnaryOperator<Operand<TFloat32>> hiddenTransform) {
        Operand<TFloat32> h = conv(tf, input, vars.get("conv1_kernel"), vars.get("conv1_bias"));
        h = pool(tf, h);
        h = conv(tf, h, vars.get("conv2_kernel"), vars.get("conv2_bias"));
        h = pool(tf, h);
        h = tf.reshape(h, tf.constant(new long[] {-1, arch.flatFeatures()}));
        h = tf.nn.relu(tf.nn.biasAdd(tf.linalg.matMul(h, vars.get("hidden_kernel")), vars.get("hidden_bias")));
        if (hiddenTransform != null) {
            h = hiddenTransform.apply(h);
        }
        return tf.nn.biasAdd(tf.linalg.matMul(h, vars.get("logits_kernel")), vars.get("logits_bias"));
    }

    /** {@code tf} naming the next op {@code name}. */
    static Ops named(Ops tf, String name) {
        return tf.withName(name);
    }

    private static Operand<TFloat32> conv(
            Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel, Operand<TFloat32> bias) {
        return tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(x, kernel, STRIDE_1, "SAME"), bias));
    }

    private static Operand<TFloat32> pool(Ops tf, Operand<TFloat32> x) {
        return tf.nn.maxPool(x, tf.constant(new int[] {1, 2, 2, 1}), tf.constant(new int[] {1, 2, 2, 1}), "VALID");
    }
}
