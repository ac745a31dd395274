package dev.digitpad.dataset;

import dev.digitpad.imaging.MnistNormalizer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random variations of a real MNIST digit that mimic how people give the app a digit, each
 * finished by the app's own {@link MnistNormalizer}: stroke thickness, slant, rotation, aspect,
 * elastic wobble, blur, low-resolution scans, re-drawing with a round mouse pen on a 280x280
 * canvas at any size and place, both polarities, and imperfect centring.
 *
 * <p>{@link #augment} mixes, for one digit: the digit as is (12%); its skeleton re-drawn with a
 * mouse pen in a random picture style (15%, {@link #penRedraw}); its skeleton drawn on the pad the
 * way the app's pad draws, with a pen from a hairline to a third of the digit's height, slanted
 * and anywhere on the canvas (18%, {@link #padDrawn}); a low-resolution scan 8 to 16 px tall,
 * enlarged and blurred (22%, {@link #lowResScan}: outlier exposure otherwise flattens such blurry digits);
 * and geometric and photometric distortion (33%).
 */
public final class Augmenter {
    /** Pen widths of {@link #padDrawn}, as fractions of the digit's height (its longer side). */
    static final double THIN_PEN = 0.05;

    static final double THICK_PEN = 0.2;
    static final double THICKEST_PEN = 0.36;

    private Augmenter() {}

    /** A random variation of {@code digit} (28x28), normalised; null if it came out blank. */
    public static float[] augment(float[] digit, SplittableRandom rng) {
        double kind = rng.nextDouble();
        float[] out;
        if (kind < 0.12) {
            out = MnistNormalizer.normalize(FloatGrid.of28(digit).toInk())
                    .pixels()
                    .orElse(null);
        } else if (kind < 0.27) {
            out = penRedraw(FloatGrid.of28(digit).upscale(2), rng, 100 + rng.nextInt(80));
        } else if (kind < 0.45) {
            double pen = rng.nextDouble();
            double ratio = pen < 0.3
                    ? 0.015 + (THIN_PEN - 0.015) * rng.nextDouble()
                    : pen < 0.65
                            ? THIN_PEN + (THICK_PEN - THIN_PEN) * rng.nextDouble()
                            : THICK_PEN + (THICKEST_PEN - THICK_PEN) * rng.nextDouble();
            out = padDrawn(digit, ratio, rng);
        } else if (kind < 0.67) {
            out = lowResScan(digit, 8 + 8 * rng.nextDouble(), rng);
        } else {
            out = distorted(digit, rng);
        }
        if (out != null && rng.nextDouble() < 0.2) {
            int dx = rng.nextInt(5) - 2;
            int dy = rng.nextInt(5) - 2;
            out = Presentation.shift(out, dx, dy);
        }
        return out;
    }

    /**
     * The digit's skeleton drawn on the pad as the app's pad draws it (round black pen, 280x280
     * white canvas) with a pen {@code penRatio} times the drawing's longer side: a small digit in a
     * corner with the default pen comes out as thick as a third of its height, a large one with the
     * thinnest pen as a hairline. The drawing's size follows from the pad's pen range (4-60 px), its
     * place on the canvas is random, and it is slanted (up to about 29 degrees either way), turned
     * and stretched like handwriting. Normalised; null if blank.
     */
    public static float[] padDrawn(float[] digit, double penRatio, SplittableRandom rng) {
        List<double[]> segs = Skeleton.segments(FloatGrid.of28(digit).upscale(2), 0.45f);
        if (segs.isEmpty()) {
            return null;
        }
        double smallest = Math.max(40, PadSketch.MIN_PEN / penRatio);
        double largest = Math.max(smallest, Math.min(250, PadSketch.MAX_PEN / penRatio));
        double size = smallest + (largest - smallest) * rng.nextDouble();
        double pen = Math.max(PadSketch.MIN_PEN, Math.min(PadSketch.MAX_PEN, penRatio * size));
        return Presentation.normalise(
                PadSketch.draw(PadSketch.Figure.ofSegments(segs), PadSketch.hand(12, 0.55, 1.25, rng), size, pen, rng));
    }

    /**
     * A low-resolution scan of the digit: shrunk so that it is {@code height} px tall (8-16 make
     * the blurry scans people photograph or paste), printed on noisy paper, often blurred, enlarged
     * 2-8 times and normalised; null if blank.
     */
    public static float[] lowResScan(float[] digit, double height, SplittableRandom rng) {
        FloatGrid ink = FloatGrid.of28(digit).upscale(2);
        if (rng.nextDouble() < 0.5) {
            ink = affine(ink, rng, 72);
        }
        return Presentation.normalise(Presentation.lowResScan(
                ink,
                height,
                2 + rng.nextInt(7),
                rng.nextDouble() < 0.6 ? 0.3 + 0.6 * rng.nextDouble() : 0,
                0.01 + 0.04 * rng.nextDouble(),
                rng));
    }

    /**
     * A mild, MNIST-like variation (small rotation, slant, scale and elastic wobble), normalised;
     * null if it came out blank.
     */
    public static float[] light(float[] digit, SplittableRandom rng) {
        if (rng.nextDouble() < 0.2) {
            return MnistNormalizer.normalize(FloatGrid.of28(digit).toInk())
                    .pixels()
                    .orElse(null);
        }
        FloatGrid g = FloatGrid.of28(digit).upscale(2);
        double angle = Math.toRadians((rng.nextDouble() - 0.5) * 16);
        double shear = (rng.nextDouble() - 0.5) * 0.3;
        double aspect = Math.exp((rng.nextDouble() - 0.5) * 0.2);
        double[] m = forward(angle, shear, aspect, 1.0);
        g = g.warpAffine(72, 72, inverseAbout(m, 27.5, 27.5, 35.5, 35.5));
        if (rng.nextDouble() < 0.6) {
            g = g.elastic(rng, 0.8 + 1.2 * rng.nextDouble(), 5);
        }
        double t = rng.nextDouble();
        if (t < 0.1) {
            g = g.erode(true);
        } else if (t > 0.9) {
            g = g.dilate(true);
        }
        return MnistNormalizer.normalize(g.toInk()).pixels().orElse(null);
    }

    /** Geometric and photometric distortion of the digit itself. */
    static float[] distorted(float[] digit, SplittableRandom rng) {
        FloatGrid g = FloatGrid.of28(digit).upscale(2); // 56x56
        double t = rng.nextDouble();
        if (t < 0.2) {
            g = g.erode(true);
        } else if (t < 0.55) {
            // unchanged
        } else if (t < 0.85) {
            g = g.dilate(true);
        } else {
            g = g.dilate(false).dilate(true);
        }
        g = affine(g, rng, 84);
        if (rng.nextDouble() < 0.5) {
            g = g.elastic(rng, 1.0 + 2.0 * rng.nextDouble(), 4 + rng.nextInt(2));
        }
        if (rng.nextDouble() < 0.2) {
            g = g.blur(0.4 + 0.8 * rng.nextDouble());
        }
        double view = rng.nextDouble();
        if (view < 0.15) {
            return Presentation.normalise(Presentation.lowResScan(
                    g,
                    9 + 8 * rng.nextDouble(),
                    3 + rng.nextInt(6),
                    rng.nextDouble() < 0.5 ? 0.3 + 0.5 * rng.nextDouble() : 0,
                    0.01 + 0.04 * rng.nextDouble(),
                    rng));
        }
        if (view < 0.3) {
            return Presentation.normalise(Presentation.randomPicture(g, rng));
        }
        return MnistNormalizer.normalize(g.toInk()).pixels().orElse(null);
    }

    /** Random rotation, shear and aspect change about the centre, onto a {@code size}^2 grid. */
    static FloatGrid affine(FloatGrid g, SplittableRandom rng, int size) {
        double angle = Math.toRadians(Math.max(-18, Math.min(18, FloatGrid.gaussian(rng) * 7)));
        double shear = (rng.nextDouble() - 0.5) * 0.6;
        double aspect = Math.exp((rng.nextDouble() - 0.5) * 0.5);
        double[] m = forward(angle, shear, aspect, 1.0);
        return g.warpAffine(
                size, size, inverseAbout(m, (g.w - 1) / 2.0, (g.h - 1) / 2.0, (size - 1) / 2.0, (size - 1) / 2.0));
    }

    /** 2x2 matrix {a, b, c, d}: rotation * shear(x by y) * scale(sx, sy). */
    static double[] forward(double angle, double shear, double sx, double sy) {
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        // shear * scale = [[sx, shear*sy], [0, sy]]
        double a = sx;
        double b = shear * sy;
        double c = 0;
        double d = sy;
        return new double[] {cos * a - sin * c, cos * b - sin * d, sin * a + cos * c, sin * b + cos * d};
    }

    /** Inverse mapping (for warpAffine) of x' = M (x - src) + dst. */
    static double[] inverseAbout(double[] m, double srcX, double srcY, double dstX, double dstY) {
        double det = m[0] * m[3] - m[1] * m[2];
        double ia = m[3] / det;
        double ib = -m[1] / det;
        double ic = -m[2] / det;
        double id = m[0] / det;
        return new double[] {ia, ib, srcX - ia * dstX - ib * dstY, ic, id, srcY - ic * dstX - id * dstY};
    }

    /**
     * Re-draws the skeleton of the ink in {@code g} with a round pen on a {@code canvas}-sized
     * square at a random size and place, as a mouse drawing, then shows it in a random style.
     */
    public static float[] penRedraw(FloatGrid g, SplittableRandom rng, int canvas) {
        return penRedraw(g, rng, canvas, 0, 0);
    }

    /**
     * As {@link #penRedraw(FloatGrid, SplittableRandom, int)}, leaving out each short end branch
     * of up to {@code maxSpur} pixels with probability {@code dropChance} (serifs and feet).
     */
    public static float[] penRedraw(FloatGrid g, SplittableRandom rng, int canvas, int maxSpur, double dropChance) {
        List<double[]> segs = Skeleton.segments(g, 0.45f, maxSpur, dropChance, rng);
        if (segs.isEmpty()) {
            return null;
        }
        double angle = Math.toRadians(Math.max(-15, Math.min(15, FloatGrid.gaussian(rng) * 6)));
        double shear = (rng.nextDouble() - 0.5) * 0.5;
        double aspect = Math.exp((rng.nextDouble() - 0.5) * 0.4);
        double[] m = forward(angle, shear, aspect, 1.0);
        // transformed bounds
        double minX = Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        double[][] pts = new double[segs.size()][4];
        for (int i = 0; i < segs.size(); i++) {
            double[] s = segs.get(i);
            for (int k = 0; k < 2; k++) {
                double x = s[2 * k] - (g.w - 1) / 2.0;
                double y = s[2 * k + 1] - (g.h - 1) / 2.0;
                double tx = m[0] * x + m[1] * y;
                double ty = m[2] * x + m[3] * y;
                pts[i][2 * k] = tx;
                pts[i][2 * k + 1] = ty;
                minX = Math.min(minX, tx);
                maxX = Math.max(maxX, tx);
                minY = Math.min(minY, ty);
                maxY = Math.max(maxY, ty);
            }
        }
        double extent = Math.max(maxX - minX, maxY - minY) + 1;
        double target = canvas * (0.18 + 0.7 * rng.nextDouble());
        double scale = target / extent;
        double penWidth = target * (0.05 + 0.22 * rng.nextDouble());
        double radius = Math.max(0.8, penWidth / 2);
        double spanX = (maxX - minX) * scale + 2 * radius;
        double spanY = (maxY - minY) * scale + 2 * radius;
        double offX = radius + rng.nextDouble() * Math.max(0, canvas - spanX) - minX * scale;
        double offY = radius + rng.nextDouble() * Math.max(0, canvas - spanY) - minY * scale;
        FloatGrid ink = new FloatGrid(canvas, canvas);
        for (double[] p : pts) {
            ink.strokeLine(
                    p[0] * scale + offX, p[1] * scale + offY, p[2] * scale + offX, p[3] * scale + offY, radius, 1f);
        }
        return Presentation.normalise(Presentation.randomPicture(ink, rng));
    }
}
