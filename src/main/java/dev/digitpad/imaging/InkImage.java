package dev.digitpad.imaging;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable map of ink intensities: {@code width x height} floats in row-major order, each in
 * {@code [0, 1]} where 0 is background and 1 is full ink.
 */
public final class InkImage {
    private final int width;
    private final int height;
    private final float[] values;

    /**
     * Creates an ink map from a copy of {@code values}. Values are clamped to {@code [0, 1]};
     * NaN becomes 0.
     */
    public InkImage(int width, int height, float[] values) {
        this(width, height, checkedCopy(width, height, values), true);
    }

    private InkImage(int width, int height, float[] owned, boolean trusted) {
        this.width = width;
        this.height = height;
        this.values = owned;
    }

    /** Wraps an array this package built and will not touch again (no copy). */
    static InkImage wrap(int width, int height, float[] owned) {
        return new InkImage(width, height, owned, true);
    }

    private static float[] checkedCopy(int width, int height, float[] values) {
        Objects.requireNonNull(values, "values");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("size must be positive: " + width + "x" + height);
        }
        if ((long) width * height != values.length) {
            throw new IllegalArgumentException("expected " + ((long) width * height) + " values for " + width + "x"
                    + height + ", got " + values.length);
        }
        float[] copy = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            copy[i] = v > 0f ? Math.min(v, 1f) : 0f; // also maps NaN to 0
        }
        return copy;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The ink at column {@code x}, row {@code y}. */
    public float get(int x, int y) {
        return values[y * width + x];
    }

    /** A copy of the values, row-major. */
    public float[] toArray() {
        return values.clone();
    }

    /** Direct read access for this package's hot loops; never modified. */
    float[] raw() {
        return values;
    }

    /** The largest value, 0 for a blank map. */
    public float max() {
        float m = 0f;
        for (float v : values) {
            if (v > m) {
                m = v;
            }
        }
        return m;
    }

    /** Sum of all values. */
    public double total() {
        double s = 0;
        for (float v : values) {
            s += v;
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InkImage other
                && other.width == width
                && other.height == height
                && Arrays.equals(other.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "InkImage[" + width + "x" + height + ", max=" + max() + "]";
    }
}
