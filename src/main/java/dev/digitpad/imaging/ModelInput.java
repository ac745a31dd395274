package dev.digitpad.imaging;

import dev.digitpad.contract.ModelContract;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;

/** The model's input as an ndarray: one 28x28 single-channel image, shape [1, 28, 28, 1]. */
public final class ModelInput {
    public static final Shape SHAPE = Shape.of(ModelContract.inputShape(1));

    private ModelInput() {}

    /** Wraps 784 row-major values (a copy is made, so the array may change afterwards). */
    public static FloatNdArray tensor(float[] pixels) {
        if (pixels.length != SHAPE.size()) {
            throw new IllegalArgumentException("a " + ModelContract.SIDE + "x" + ModelContract.SIDE + " image has "
                    + ModelContract.PIXELS + " values, not " + pixels.length);
        }
        return NdArrays.wrap(SHAPE, DataBuffers.of(pixels.clone(), true, false));
    }

    /** The 784 values of a [1, 28, 28, 1] ndarray, row-major. */
    public static float[] pixels(FloatNdArray tensor) {
        if (!tensor.shape().equals(SHAPE)) {
            throw new IllegalArgumentException("expected shape " + SHAPE + ", got " + tensor.shape());
        }
        float[] out = new float[(int) SHAPE.size()];
        tensor.copyTo(DataBuffers.of(out, false, false));
        return out;
    }
}
