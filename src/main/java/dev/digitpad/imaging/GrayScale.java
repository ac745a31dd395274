package dev.digitpad.imaging;

/**
 * The colour scale of matplotlib's {@code imshow(img, cmap="gray")}: linear from the data's minimum (black)
 * to its maximum (white); when every value is the same, everything is black.
 */
public record GrayScale(float min, float max) {

    /** The scale of {@code values}, as imshow picks it when vmin and vmax are not given. */
    public static GrayScale of(float[] values) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new GrayScale(min, max);
    }

    /** The grey level of {@code v}: 0 is black, 1 is white. */
    public double level(float v) {
        if (!(max > min)) {
            return 0;
        }
        return Math.clamp((v - min) / (double) (max - min), 0, 1);
    }
}
