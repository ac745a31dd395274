package dev.digitpad.imaging;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;

/**
 * Turns any {@link BufferedImage} into an {@link InkImage}.
 *
 * <ul>
 *   <li>Colour becomes luminance (Rec. 601 weights); 8- and 16-bit gray rasters are read
 *       directly.
 *   <li>If the image has an alpha channel whose values vary meaningfully, the ink is the alpha
 *       (a transparent PNG or a canvas snapshot with a transparent background).
 *   <li>Otherwise the background is the median brightness of the image border; whichever side of
 *       it the image spreads further to (darker or lighter) is the ink, so dark ink on light paper
 *       and light ink on dark paper both give bright-ink-on-dark maps.
 *   <li>Grey levels are kept: ink is the distance from the background level, scaled so the
 *       strongest ink is 1, minus a small noise floor measured on the border so that paper
 *       texture does not count as ink.
 * </ul>
 */
public final class InkExtractor {
    /** Alpha must span at least this much (0..1) to be taken as the ink. */
    private static final float MEANINGFUL_ALPHA_RANGE = 0.25f;
    /** Contrast below which the image is taken as blank (no ink at all). */
    private static final float MIN_CONTRAST = 0.04f;

    private static final int BINS = 256;

    private InkExtractor() {}

    /** Whether the ink came from the alpha channel or from brightness, and which polarity. */
    public enum Source {
        ALPHA,
        DARK_ON_LIGHT,
        LIGHT_ON_DARK,
        BLANK
    }

    /** The ink map and how it was read. */
    public record Extraction(InkImage ink, Source source, float backgroundLevel) {}

    /** The ink map of {@code image}. */
    public static InkImage extract(BufferedImage image) {
        return analyse(image).ink();
    }

    /** The ink map of {@code image} with how it was decided. */
    public static Extraction analyse(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int n = w * h;
        float[] lum = new float[n];
        float[] lumRange = {Float.NaN, Float.NaN};
        float[] alpha = readPixels(image, lum, lumRange);

        if (alpha != null) {
            float amin = 1f;
            float amax = 0f;
            for (float a : alpha) {
                if (a < amin) {
                    amin = a;
                }
                if (a > amax) {
                    amax = a;
                }
            }
            if (amax - amin >= MEANINGFUL_ALPHA_RANGE) {
                float borderAlpha = borderMedian(alpha, w, h);
                if (borderAlpha <= 0.5f) {
                    return new Extraction(
                            InkImage.wrap(w, h, inkFrom(alpha, false, borderAlpha, amax, w, h)),
                            Source.ALPHA,
                            borderAlpha);
                }
                // Opaque border with transparent marks: treat the transparency as the ink.
                return new Extraction(
                        InkImage.wrap(w, h, inkFrom(alpha, true, 1f - borderAlpha, 1f - amin, w, h)),
                        Source.ALPHA,
                        borderAlpha);
            }
            // Alpha is (nearly) constant: composite is irrelevant, use brightness below.
        }

        // Extremes from every pixel; the percentiles (robust extremes) from a regular sample of
        // about 20,000 pixels, which is plenty for a 0.1 % / 99.9 % estimate.
        float min = lumRange[0];
        float max = lumRange[1];
        if (Float.isNaN(min)) {
            min = 1f;
            max = 0f;
            for (float v : lum) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        int[] hist = new int[BINS];
        int stride = Math.max(1, n / 20_000);
        int sampled = 0;
        for (int i = 0; i < n; i += stride) {
            hist[bin(lum[i])]++;
            sampled++;
        }
        float background = borderMedian(lum, w, h);
        float darkest = percentile(hist, sampled, 0.001);
        float lightest = percentile(hist, sampled, 0.999);
        float darkSpread = background - darkest;
        float lightSpread = lightest - background;
        if (Math.max(darkSpread, lightSpread) < MIN_CONTRAST) {
            return new Extraction(InkImage.wrap(w, h, new float[n]), Source.BLANK, background);
        }
        if (darkSpread >= lightSpread) {
            // dark ink: ink grows as luminance falls
            return new Extraction(
                    InkImage.wrap(w, h, inkFrom(lum, true, 1f - background, 1f - min, w, h)),
                    Source.DARK_ON_LIGHT,
                    background);
        }
        return new Extraction(
                InkImage.wrap(w, h, inkFrom(lum, false, background, max, w, h)), Source.LIGHT_ON_DARK, background);
    }

    /**
     * Ink from a map {@code m} where larger means more ink ({@code m = v}, or {@code m = 1 - v}
     * when {@code invert}): {@code (m - background) / (full - background)}, minus a noise floor
     * taken from the spread of the border, clamped to [0, 1]. Overwrites and returns {@code v}.
     */
    private static float[] inkFrom(float[] v, boolean invert, float background, float full, int w, int h) {
        float range = full - background;
        if (range <= 1e-6f) {
            java.util.Arrays.fill(v, 0f);
            return v;
        }
        // Noise floor: how far the border strays above the background (99th percentile, plus a
        // fifth), as a fraction of the ink range; at least 2 % so 8-bit dithering and JPEG
        // ringing stay out.
        float floor = Math.max(0.02f, 1.2f * borderUpperSpread(v, invert, w, h, background) / range);
        floor = Math.min(floor, 0.5f);
        float scale = 1f / (range * (1f - floor));
        float offset = background + floor * range;
        if (invert) {
            // (1 - v - offset) * scale = (1 - offset) * scale - v * scale
            float base = (1f - offset) * scale;
            for (int i = 0; i < v.length; i++) {
                float x = base - v[i] * scale;
                v[i] = x <= 0f ? 0f : Math.min(x, 1f);
            }
        } else {
            for (int i = 0; i < v.length; i++) {
                float x = (v[i] - offset) * scale;
                v[i] = x <= 0f ? 0f : Math.min(x, 1f);
            }
        }
        return v;
    }

    private static float borderUpperSpread(float[] v, boolean invert, int w, int h, float background) {
        int[] hist = new int[BINS];
        int count = forEachBorder(v, invert, w, h, hist);
        float p99 = percentile(hist, count, 0.99);
        return Math.max(0f, p99 - background);
    }

    private static float borderMedian(float[] v, int w, int h) {
        int[] hist = new int[BINS];
        int count = forEachBorder(v, false, w, h, hist);
        return percentile(hist, count, 0.5);
    }

    /** Histograms the outermost two-pixel frame (or less when the image is tiny). */
    private static int forEachBorder(float[] v, boolean invert, int w, int h, int[] hist) {
        int band = Math.min(2, Math.max(1, Math.min(w, h) / 8));
        int count = 0;
        for (int y = 0; y < h; y++) {
            boolean rowInBand = y < band || y >= h - band;
            int row = y * w;
            if (rowInBand) {
                for (int x = 0; x < w; x++) {
                    hist[bin(invert ? 1f - v[row + x] : v[row + x])]++;
                    count++;
                }
            } else {
                for (int x = 0; x < band && x < w; x++) {
                    hist[bin(invert ? 1f - v[row + x] : v[row + x])]++;
                    hist[bin(invert ? 1f - v[row + w - 1 - x] : v[row + w - 1 - x])]++;
                    count += 2;
                }
            }
        }
        return count;
    }

    private static int bin(float v) {
        int b = (int) (v * (BINS - 1) + 0.5f);
        return b < 0 ? 0 : Math.min(b, BINS - 1);
    }

    private static float percentile(int[] hist, int count, double p) {
        long target = (long) Math.ceil(p * count);
        long seen = 0;
        for (int b = 0; b < BINS; b++) {
            seen += hist[b];
            if (seen >= target && seen > 0) {
                return b / (float) (BINS - 1);
            }
        }
        return 1f;
    }

    /**
     * Fills {@code lum} with luminance in [0, 1] and returns the alpha in [0, 1], or null when the
     * image has no alpha channel.
     */
    private static float[] readPixels(BufferedImage image, float[] lum, float[] lumRange) {
        int w = image.getWidth();
        int h = image.getHeight();
        int n = w * h;
        Raster raster = image.getRaster();
        ColorModel cm = image.getColorModel();
        switch (image.getType()) {
            case BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB -> {
                if (raster.getDataBuffer() instanceof DataBufferInt db && isPlain(raster, w)) {
                    int[] px = db.getData();
                    // one pass: luminance, its range and the alpha range
                    int amin = 255;
                    int amax = 0;
                    float lmin = 1f;
                    float lmax = 0f;
                    for (int i = 0; i < n; i++) {
                        int p = px[i];
                        float l = (0.299f * ((p >> 16) & 0xff) + 0.587f * ((p >> 8) & 0xff) + 0.114f * (p & 0xff))
                                * (1f / 255f);
                        lum[i] = l;
                        lmin = Math.min(lmin, l);
                        lmax = Math.max(lmax, l);
                        int a = p >>> 24;
                        amin = Math.min(amin, a);
                        amax = Math.max(amax, a);
                    }
                    lumRange[0] = lmin;
                    lumRange[1] = lmax;
                    boolean hasAlpha = image.getType() == BufferedImage.TYPE_INT_ARGB
                            && amax - amin >= MEANINGFUL_ALPHA_RANGE * 255;
                    float[] alpha = hasAlpha ? new float[n] : null;
                    if (hasAlpha) {
                        for (int i = 0; i < n; i++) {
                            alpha[i] = (px[i] >>> 24) * (1f / 255f);
                        }
                    }
                    return alpha;
                }
            }
            case BufferedImage.TYPE_BYTE_GRAY -> {
                if (raster.getDataBuffer() instanceof DataBufferByte db && isPlain(raster, w)) {
                    byte[] px = db.getData();
                    for (int i = 0; i < n; i++) {
                        lum[i] = (px[i] & 0xff) / 255f;
                    }
                    return null;
                }
            }
            default -> {
                // handled generically below
            }
        }
        if (cm instanceof ComponentColorModel
                && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && raster.getNumBands() <= 2) {
            // 8/16-bit gray, optionally with alpha: read the stored samples, not sRGB conversions.
            float grayMax = (float) ((1L << cm.getComponentSize(0)) - 1);
            boolean hasAlpha = cm.hasAlpha() && raster.getNumBands() == 2;
            float alphaMax = hasAlpha ? (float) ((1L << cm.getComponentSize(1)) - 1) : 1f;
            float[] alpha = hasAlpha ? new float[n] : null;
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    lum[y * w + x] = row[x] / grayMax;
                }
                if (hasAlpha) {
                    raster.getSamples(0, y, w, 1, 1, row);
                    for (int x = 0; x < w; x++) {
                        alpha[y * w + x] = row[x] / alphaMax;
                    }
                }
            }
            return alpha;
        }
        boolean hasAlpha = cm.hasAlpha();
        float[] alpha = hasAlpha ? new float[n] : null;
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                lum[y * w + x] = luma((p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff);
                if (hasAlpha) {
                    alpha[y * w + x] = (p >>> 24) / 255f;
                }
            }
        }
        return alpha;
    }

    private static boolean isPlain(Raster raster, int w) {
        return raster.getMinX() == 0
                && raster.getMinY() == 0
                && raster.getSampleModelTranslateX() == 0
                && raster.getSampleModelTranslateY() == 0
                && raster.getDataBuffer().getNumBanks() == 1
                && raster.getDataBuffer().getSize() == (long) w * raster.getHeight();
    }

    private static float luma(int r, int g, int b) {
        return (0.299f * r + 0.587f * g + 0.114f * b) / 255f;
    }
}
