package dev.digitpad.dataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The synthetic evaluation sets, built like the app's real inputs and with their own seeds and
 * styles (different from the training synthesis), always through the app's normaliser:
 *
 * <ul>
 *   <li><b>drawn</b>: thick round-pen strokes drawn with java.awt on a 280x280 canvas at a random
 *       size and place, in four looks (black on white, white on black, transparent, coloured):
 *       half from hand-made stroke templates (never trained on), half the skeletons of the MNIST
 *       digits given (MNIST's official test digits: never training ones);
 *   <li><b>typeset</b>: every installed font face x every digit x several sizes, slants and
 *       polarities;
 *   <li><b>scan</b>: the MNIST digits given and typeset digits shrunk to 8-16 px tall, printed on
 *       noisy paper, sometimes blurred, and enlarged 4-8x.
 * </ul>
 */
public final class EvaluationSets {
    public static final long DEFAULT_SEED = 20_251_125L;

    private EvaluationSets() {}

    /** All sets by name, in report order, built from {@code testDigits} (MNIST test digits, never training ones). */
    public static Map<String, LabelledDigits> build(LabelledDigits testDigits, long seed) {
        Map<String, LabelledDigits> sets = new LinkedHashMap<>();
        sets.put("drawn", drawn(testDigits, seed, 1000));
        sets.put("typeset", typeset(seed + 1, 6));
        sets.put("scan", scans(testDigits, seed + 2, 1000));
        return sets;
    }

    /** {@code count} drawn digits, half from templates, half re-drawn skeletons of {@code testDigits}. */
    public static LabelledDigits drawn(LabelledDigits testDigits, long seed, int count) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<StrokeTemplates.Template> templates = StrokeTemplates.all();
        LabelledDigits.Builder b = new LabelledDigits.Builder();
        int[] perClass = new int[10];
        int i = 0;
        while (b.size() < count / 2) {
            int digit = i % 10;
            List<StrokeTemplates.Template> options =
                    templates.stream().filter(t -> t.digit() == digit).toList();
            StrokeTemplates.Template t = options.get(rng.nextInt(options.size()));
            List<double[][]> strokes = StrokeTemplates.jittered(t, 0.08, rng);
            float[] d = Presentation.normalise(drawOnCanvas(strokes, 1.0, rng, i % 4));
            if (d != null) {
                b.add(d, digit);
            }
            i++;
        }
        int k = 0;
        while (b.size() < count && k < testDigits.size() * 4) {
            int idx = (int) ((k * 7919L) % testDigits.size());
            k++;
            int label = testDigits.label(idx);
            if (perClass[label] >= (count - count / 2) / 10) {
                continue;
            }
            FloatGrid g = FloatGrid.of28(testDigits.image(idx)).upscale(2);
            List<double[]> segs = Skeleton.segments(g, 0.45f);
            if (segs.isEmpty()) {
                continue;
            }
            List<double[][]> strokes = segs.stream()
                    .map(s -> new double[][] {{s[0] / 56.0, s[1] / 56.0}, {s[2] / 56.0, s[3] / 56.0}})
                    .toList();
            float[] d = Presentation.normalise(drawOnCanvas(strokes, 1.0, rng, k % 4));
            if (d != null) {
                b.add(d, label);
                perClass[label]++;
            }
        }
        return b.build();
    }

    /**
     * Draws strokes (unit-box coordinates) with a round pen on a 280x280 canvas, randomly slanted,
     * rotated and stretched, 100-260 px tall, pen 10-28 px, anywhere on the canvas.
     */
    static BufferedImage drawOnCanvas(List<double[][]> strokes, double unit, SplittableRandom rng, int look) {
        int canvas = 280;
        double angle = Math.toRadians((rng.nextDouble() - 0.5) * 20);
        double shear = (rng.nextDouble() - 0.5) * 0.5;
        double aspect = Math.exp((rng.nextDouble() - 0.5) * 0.4);
        double[] m = Augmenter.forward(angle, shear, aspect, 1.0);
        double minX = Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (double[][] s : strokes) {
            for (double[] p : s) {
                double x = m[0] * p[0] + m[1] * p[1];
                double y = m[2] * p[0] + m[3] * p[1];
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
            }
        }
        double pen = 10 + 18 * rng.nextDouble();
        double height = 100 + 160 * rng.nextDouble();
        double scale = height / Math.max(1e-6, maxY - minY);
        if ((maxX - minX) * scale > canvas - pen - 4) {
            scale = (canvas - pen - 4) / (maxX - minX);
        }
        double spanX = (maxX - minX) * scale + pen;
        double spanY = (maxY - minY) * scale + pen;
        double offX = pen / 2 + rng.nextDouble() * Math.max(0, canvas - spanX) - minX * scale;
        double offY = pen / 2 + rng.nextDouble() * Math.max(0, canvas - spanY) - minY * scale;

        BufferedImage img = new BufferedImage(canvas, canvas, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            Color bg;
            Color fg;
            switch (look) {
                case 0 -> {
                    bg = Color.WHITE;
                    fg = Color.BLACK;
                }
                case 1 -> {
                    bg = Color.BLACK;
                    fg = Color.WHITE;
                }
                case 2 -> {
                    bg = new Color(0, 0, 0, 0);
                    fg = new Color(20, 20, 120);
                }
                default -> {
                    bg = new Color(250, 245, 225);
                    fg = new Color(180, 30, 30);
                }
            }
            g.setComposite(java.awt.AlphaComposite.Src);
            g.setColor(bg);
            g.fillRect(0, 0, canvas, canvas);
            g.setComposite(java.awt.AlphaComposite.SrcOver);
            g.setColor(fg);
            g.setStroke(new BasicStroke((float) pen, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            Path2D.Double path = new Path2D.Double();
            for (double[][] s : strokes) {
                for (int i = 0; i < s.length; i++) {
                    double x = (m[0] * s[i][0] + m[1] * s[i][1]) * scale + offX;
                    double y = (m[2] * s[i][0] + m[3] * s[i][1]) * scale + offY;
                    if (i == 0) {
                        path.moveTo(x, y);
                    } else {
                        path.lineTo(x, y);
                    }
                }
                if (s.length == 1) {
                    path.lineTo(
                            (m[0] * s[0][0] + m[1] * s[0][1]) * scale + offX,
                            (m[2] * s[0][0] + m[3] * s[0][1]) * scale + offY);
                }
            }
            g.draw(path);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Every installed face x every digit x {@code variants} styles. */
    public static LabelledDigits typeset(long seed, int variants) {
        return typeset(FontDigits.installedFaces(), seed, variants);
    }

    /** Every face of {@code faces} x every digit x {@code variants} styles. */
    public static LabelledDigits typeset(List<Font> faces, long seed, int variants) {
        SplittableRandom rng = new SplittableRandom(seed);
        LabelledDigits.Builder b = new LabelledDigits.Builder();
        for (Font face : faces) {
            for (int digit = 0; digit < 10; digit++) {
                for (int v = 0; v < variants; v++) {
                    float size = (float) (20 + 180 * rng.nextDouble());
                    double slant = v % 3 == 2 ? (rng.nextDouble() - 0.2) * 0.3 : 0;
                    double rot = (rng.nextDouble() - 0.5) * 4;
                    boolean dark = v % 2 == 0;
                    float paper = dark ? (float) (0.85 + 0.15 * rng.nextDouble()) : (float) (0.2 * rng.nextDouble());
                    float ink = dark ? (float) (0.25 * rng.nextDouble()) : (float) (0.75 + 0.25 * rng.nextDouble());
                    FontDigits.Style style = new FontDigits.Style(size, slant, rot, 1.0, 0f, dark, paper, ink);
                    float[] d = Presentation.normalise(FontDigits.render(face, digit, style, 2 + rng.nextInt(40)));
                    if (d != null) {
                        b.add(d, digit);
                    }
                }
            }
        }
        return b.build();
    }

    /** {@code count} low-resolution scans: half from {@code testDigits}, half typeset. */
    public static LabelledDigits scans(LabelledDigits testDigits, long seed, int count) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Font> faces = FontDigits.installedFaces();
        LabelledDigits.Builder b = new LabelledDigits.Builder();
        int i = 0;
        while (b.size() < count && i < count * 3) {
            FloatGrid ink;
            int label;
            if (i % 2 == 0) {
                int idx = (int) ((i / 2 * 104_729L) % testDigits.size());
                label = testDigits.label(idx);
                ink = FloatGrid.of28(testDigits.image(idx)).upscale(2);
            } else {
                label = (i / 2) % 10;
                Font face = faces.get(rng.nextInt(faces.size()));
                ink = FontDigits.inkOf(face, label, new FontDigits.Style(120f, 0, 0, 1.0, 0f, true, 1f, 0f), 6);
            }
            i++;
            double height = 8 + 8 * rng.nextDouble();
            int upscale = 4 + rng.nextInt(5);
            double blur = rng.nextDouble() < 0.5 ? 0.3 + 0.4 * rng.nextDouble() : 0;
            double noise = 0.01 + 0.03 * rng.nextDouble();
            float[] d = Presentation.normalise(Presentation.lowResScan(ink, height, upscale, blur, noise, rng));
            if (d != null) {
                b.add(d, label);
            }
        }
        return b.build();
    }
}
