package dev.digitpad.imaging;

import dev.digitpad.contract.ModelContract;
import java.awt.image.BufferedImage;

/**
 * Normalises an ink map the way MNIST digits were made.
 *
 * <ol>
 *   <li>Crop to the bounding box of the ink, ignoring faint values below {@value #BOX_THRESHOLD}
 *       of the strongest ink.
 *   <li>Scale with area averaging so the longer side is exactly 20 px, keeping the aspect ratio.
 *   <li>Paste into a 28x28 field and shift by whole pixels so the intensity centre of mass lands
 *       within half a pixel of (14, 14) in 0-based pixel indices.
 *   <li>Rescale so the brightest pixel is 1.
 * </ol>
 *
 * An ink map whose strongest value is below {@value #MIN_INK} is "nothing to recognise": the result
 * is {@link Normalization#isEmpty() empty}. Stateless and thread-safe.
 */
public final class MnistNormalizer {
    /** Side of the output field. */
    public static final int SIZE = ModelContract.SIDE;
    /** Length of the longer side of the digit after scaling. */
    public static final int BOX = 20;
    /** Target centre of mass (column and row) in 0-based pixel indices. */
    public static final double CENTRE = 14.0;
    /** Values below this fraction of the maximum do not extend the bounding box. */
    public static final float BOX_THRESHOLD = 0.05f;
    /** Strongest ink below this counts as blank. */
    public static final float MIN_INK = 0.02f;

    private MnistNormalizer() {}

    /** Extracts the ink of {@code image} and normalises it. */
    public static Normalization normalize(BufferedImage image) {
        return normalize(InkExtractor.extract(image));
    }

    /** Normalises {@code ink}; see the class description. */
    public static Normalization normalize(InkImage ink) {
        float[] v = ink.raw();
        int w = ink.width();
        int h = ink.height();
        float max = 0f;
        for (float x : v) {
            if (x > max) {
                max = x;
            }
        }
        if (!(max >= MIN_INK)) {
            return Normalization.empty(ink);
        }

        // 1. bounding box of values >= threshold
        float t = BOX_THRESHOLD * max;
        int x0 = w;
        int x1 = -1;
        int y0 = h;
        int y1 = -1;
        for (int y = 0; y < h; y++) {
            int row = y * w;
            int first = -1;
            int last = -1;
            for (int x = 0; x < w; x++) {
                if (v[row + x] >= t) {
                    if (first < 0) {
                        first = x;
                    }
                    last = x;
                }
            }
            if (first >= 0) {
                if (y0 == h) {
                    y0 = y;
                }
                y1 = y;
                x0 = Math.min(x0, first);
                x1 = Math.max(x1, last);
            }
        }
        CropBox box = new CropBox(x0, y0, x1 - x0 + 1, y1 - y0 + 1);

        // 2. area-averaging scale so the longer side is exactly BOX
        double scale = (double) BOX / box.longerSide();
        int sw = box.width() >= box.height() ? BOX : clampSide((int) Math.round(box.width() * scale));
        int sh = box.height() >= box.width() ? BOX : clampSide((int) Math.round(box.height() * scale));
        float[] scaled = areaScale(v, w, box, sw, sh);

        // 3. centre of mass, paste and whole-pixel shift
        double mass = 0;
        double mx = 0;
        double my = 0;
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                float p = scaled[y * sw + x];
                mass += p;
                mx += p * x;
                my += p * y;
            }
        }
        if (!(mass > 0)) {
            return Normalization.empty(ink);
        }
        double cx = mx / mass;
        double cy = my / mass;
        int pasteX = (SIZE - sw) / 2;
        int pasteY = (SIZE - sh) / 2;
        Normalization.Point before = new Normalization.Point(pasteX + cx, pasteY + cy);
        int offX = (int) Math.round(CENTRE - cx);
        int offY = (int) Math.round(CENTRE - cy);
        float[] out = new float[SIZE * SIZE];
        float outMax = 0f;
        for (int y = 0; y < sh; y++) {
            int ty = y + offY;
            if (ty < 0 || ty >= SIZE) {
                continue;
            }
            for (int x = 0; x < sw; x++) {
                int tx = x + offX;
                if (tx < 0 || tx >= SIZE) {
                    continue;
                }
                float p = scaled[y * sw + x];
                out[ty * SIZE + tx] = p;
                if (p > outMax) {
                    outMax = p;
                }
            }
        }
        if (!(outMax > 0f)) {
            return Normalization.empty(ink);
        }

        // 4. brightest pixel is 1
        if (outMax < 1f) {
            float k = 1f / outMax;
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.min(1f, out[i] * k);
            }
        }
        return new Normalization(
                ink,
                java.util.Optional.of(box),
                java.util.Optional.of(InkImage.wrap(sw, sh, scaled)),
                java.util.Optional.of(before),
                offX - pasteX,
                offY - pasteY,
                java.util.Optional.of(InkImage.wrap(SIZE, SIZE, out)));
    }

    private static int clampSide(int s) {
        return Math.max(1, Math.min(BOX, s));
    }

    /**
     * Area-averaging resize of the {@code box} region of {@code src} (row width {@code srcW}) to
     * {@code dw x dh}: every output pixel is the mean of the source area it covers, with
     * fractional coverage at its edges. Separable: rows first, then columns.
     */
    static float[] areaScale(float[] src, int srcW, CropBox box, int dw, int dh) {
        Weights wx = Weights.of(box.width(), dw);
        Weights wy = Weights.of(box.height(), dh);
        // horizontal pass: box.height() rows x dw columns
        float[] tmp = new float[box.height() * dw];
        for (int y = 0; y < box.height(); y++) {
            int srcRow = (box.y() + y) * srcW + box.x();
            int tmpRow = y * dw;
            for (int o = 0; o < dw; o++) {
                float s = 0f;
                int start = wx.start[o];
                int end = wx.start[o + 1];
                for (int k = start; k < end; k++) {
                    s += src[srcRow + wx.index[k]] * wx.weight[k];
                }
                tmp[tmpRow + o] = s;
            }
        }
        // vertical pass
        float[] out = new float[dw * dh];
        for (int o = 0; o < dh; o++) {
            int outRow = o * dw;
            for (int k = wy.start[o]; k < wy.start[o + 1]; k++) {
                int tmpRow = wy.index[k] * dw;
                float wgt = wy.weight[k];
                for (int x = 0; x < dw; x++) {
                    out[outRow + x] += tmp[tmpRow + x] * wgt;
                }
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.min(1f, Math.max(0f, out[i]));
        }
        return out;
    }

    /** Per output pixel, the source pixels it overlaps and their normalised overlap weights. */
    private static final class Weights {
        final int[] start;
        final int[] index;
        final float[] weight;

        private Weights(int[] start, int[] index, float[] weight) {
            this.start = start;
            this.index = index;
            this.weight = weight;
        }

        static Weights of(int srcLen, int dstLen) {
            double ratio = (double) srcLen / dstLen; // source pixels per output pixel
            int cap = dstLen * ((int) Math.ceil(ratio) + 2);
            int[] start = new int[dstLen + 1];
            int[] index = new int[cap];
            float[] weight = new float[cap];
            int k = 0;
            for (int o = 0; o < dstLen; o++) {
                start[o] = k;
                double a = o * ratio;
                double b = (o + 1) * ratio;
                int first = (int) Math.floor(a);
                int last = Math.min(srcLen - 1, (int) Math.ceil(b) - 1);
                for (int s = first; s <= last; s++) {
                    double overlap = Math.min(b, s + 1) - Math.max(a, s);
                    if (overlap > 1e-9) {
                        index[k] = s;
                        weight[k] = (float) (overlap / ratio);
                        k++;
                    }
                }
            }
            start[dstLen] = k;
            return new Weights(start, index, weight);
        }
    }

    /** Intensity centre of mass of a map (x = column, y = row); the middle for a blank map. */
    public static Normalization.Point centreOfMass(InkImage image) {
        float[] v = image.raw();
        int w = image.width();
        double mass = 0;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < v.length; i++) {
            float p = v[i];
            if (p != 0f) {
                mass += p;
                mx += p * (i % w);
                my += p * (i / w);
            }
        }
        if (mass <= 0) {
            return new Normalization.Point((w - 1) / 2.0, (image.height() - 1) / 2.0);
        }
        return new Normalization.Point(mx / mass, my / mass);
    }
}
