package dev.digitpad.contract;

/**
 * What a digit model served by DigitPad looks like to its callers: its name and signature unless told otherwise,
 * and its input, one 28x28 single-channel image of floats. The one place these are written; every layer may use
 * it, and it uses nothing.
 */
public final class ModelContract {
    private ModelContract() {}

    /** The model's name in requests unless told otherwise. */
    public static final String DEFAULT_MODEL_NAME = "mnist";

    /** The signature a request without a signature name calls, as in TensorFlow Serving. */
    public static final String DEFAULT_SIGNATURE = "serving_default";

    /**
     * The top probability below which DigitPad calls an answer "not sure", unless the user moves it: the window's
     * slider, {@code digitpad predict --threshold}, and the threshold the model's reports measure the "not sure"
     * figures at.
     */
    public static final double NOT_SURE_BELOW = 0.6;

    /** The side of the square input image, in pixels. */
    public static final int SIDE = 28;

    /** The values of one input image, row-major. */
    public static final int PIXELS = SIDE * SIDE;

    /** The input's shape as exported: any number of images, each {@link #SIDE} x {@link #SIDE} x 1 channel. */
    public static long[] inputShape() {
        return inputShape(-1);
    }

    /** The input's shape for {@code images} images (-1 for any number). */
    public static long[] inputShape(long images) {
        return new long[] {images, SIDE, SIDE, 1};
    }
}
