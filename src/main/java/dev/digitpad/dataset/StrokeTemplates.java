package dev.digitpad.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Hand-made pen paths of the ten digits, the way people draw them with a mouse (several common
 * variants per digit), in a unit box (x right, y down, 0..1). Used only to build the "drawn"
 * evaluation set, never for training.
 */
public final class StrokeTemplates {
    private StrokeTemplates() {}

    /** One way to draw a digit: a list of strokes, each a polyline of (x, y) points. */
    public record Template(int digit, String name, List<double[][]> strokes) {}

    public static List<Template> all() {
        List<Template> t = new ArrayList<>();
        t.add(new Template(0, "oval", strokes(ellipse(0.5, 0.5, 0.36, 0.48, -90, 270))));
        t.add(new Template(0, "narrow oval", strokes(ellipse(0.5, 0.5, 0.25, 0.5, -80, 290))));
        t.add(new Template(1, "bar", strokes(line(0.5, 0.0, 0.5, 1.0))));
        t.add(new Template(1, "flag", strokes(pts(0.25, 0.22, 0.55, 0.0, 0.55, 1.0))));
        t.add(new Template(
                1, "flag and base", strokes(pts(0.25, 0.2, 0.55, 0.0, 0.55, 1.0), line(0.25, 1.0, 0.85, 1.0))));
        t.add(new Template(
                2,
                "curve and base",
                strokes(concat(ellipse(0.5, 0.3, 0.38, 0.3, 200, 370), pts(0.1, 1.0, 0.92, 1.0)))));
        t.add(new Template(
                2,
                "loop base",
                strokes(concat(
                        ellipse(0.5, 0.28, 0.36, 0.28, 190, 380),
                        pts(0.15, 0.95, 0.3, 0.85, 0.5, 0.95, 0.7, 1.0, 0.9, 0.95)))));
        t.add(new Template(
                3,
                "two bumps",
                strokes(concat(ellipse(0.45, 0.25, 0.38, 0.25, 210, 450), ellipse(0.45, 0.74, 0.42, 0.26, -90, 150)))));
        t.add(new Template(
                3,
                "flat top",
                strokes(concat(pts(0.1, 0.0, 0.85, 0.0, 0.4, 0.42), ellipse(0.45, 0.71, 0.42, 0.29, -100, 150)))));
        t.add(new Template(4, "closed", strokes(pts(0.62, 0.0, 0.05, 0.68, 0.95, 0.68), line(0.66, 0.3, 0.66, 1.0))));
        t.add(new Template(4, "open", strokes(pts(0.15, 0.0, 0.1, 0.58, 0.9, 0.58), line(0.7, 0.0, 0.7, 1.0))));
        t.add(new Template(
                5,
                "classic",
                strokes(concat(pts(0.85, 0.0, 0.25, 0.0, 0.18, 0.45), ellipse(0.45, 0.7, 0.42, 0.3, -130, 150)))));
        t.add(new Template(
                5,
                "two strokes",
                strokes(
                        concat(pts(0.25, 0.0, 0.2, 0.45), ellipse(0.45, 0.7, 0.42, 0.3, -130, 150)),
                        line(0.25, 0.0, 0.85, 0.0))));
        t.add(new Template(
                6,
                "loop",
                strokes(concat(ellipse(0.95, 0.6, 0.8, 0.6, 235, 180), ellipse(0.5, 0.7, 0.33, 0.3, 180, -180)))));
        t.add(new Template(
                6, "straight", strokes(concat(pts(0.7, 0.0, 0.2, 0.6), ellipse(0.5, 0.72, 0.32, 0.28, 200, -160)))));
        t.add(new Template(7, "plain", strokes(pts(0.05, 0.0, 0.95, 0.0, 0.35, 1.0))));
        t.add(new Template(7, "crossed", strokes(pts(0.05, 0.0, 0.95, 0.0, 0.35, 1.0), line(0.35, 0.5, 0.85, 0.5))));
        t.add(new Template(
                8,
                "two loops",
                strokes(ellipse(0.5, 0.24, 0.28, 0.24, 90, 450), ellipse(0.5, 0.74, 0.35, 0.26, -90, 270))));
        t.add(new Template(
                8,
                "figure",
                strokes(concat(
                        ellipse(0.5, 0.25, 0.3, 0.25, 30, -200),
                        pts(0.82, 0.62),
                        ellipse(0.5, 0.74, 0.33, 0.26, 0, 180),
                        pts(0.7, 0.12)))));
        t.add(new Template(
                9, "straight tail", strokes(concat(ellipse(0.45, 0.3, 0.35, 0.3, 0, -360), pts(0.8, 0.3, 0.75, 1.0)))));
        t.add(new Template(
                9,
                "curved tail",
                strokes(concat(ellipse(0.45, 0.28, 0.35, 0.28, 0, -360), ellipse(0.2, 0.35, 0.6, 0.65, 0, 90)))));
        return t;
    }

    @SafeVarargs
    private static List<double[][]> strokes(double[][]... s) {
        return List.of(s);
    }

    /** Randomly jittered copy of the strokes: each point moved by up to {@code jitter}. */
    public static List<double[][]> jittered(Template t, double jitter, SplittableRandom rng) {
        List<double[][]> out = new ArrayList<>();
        for (double[][] s : t.strokes()) {
            double[][] c = new double[s.length][];
            // smooth jitter: a random offset per stroke plus a small per-point wobble
            double ox = (rng.nextDouble() - 0.5) * jitter;
            double oy = (rng.nextDouble() - 0.5) * jitter;
            for (int i = 0; i < s.length; i++) {
                c[i] = new double[] {
                    s[i][0] + ox + (rng.nextDouble() - 0.5) * jitter * 0.3,
                    s[i][1] + oy + (rng.nextDouble() - 0.5) * jitter * 0.3
                };
            }
            out.add(c);
        }
        return out;
    }

    static double[][] line(double x0, double y0, double x1, double y1) {
        return new double[][] {{x0, y0}, {x1, y1}};
    }

    static double[][] pts(double... xy) {
        double[][] p = new double[xy.length / 2][];
        for (int i = 0; i < p.length; i++) {
            p[i] = new double[] {xy[2 * i], xy[2 * i + 1]};
        }
        return p;
    }

    /** Points on an ellipse from {@code fromDeg} to {@code toDeg} (0 = right, 90 = down). */
    static double[][] ellipse(double cx, double cy, double rx, double ry, double fromDeg, double toDeg) {
        int n = Math.max(8, (int) (Math.abs(toDeg - fromDeg) / 10));
        double[][] p = new double[n + 1][];
        for (int i = 0; i <= n; i++) {
            double a = Math.toRadians(fromDeg + (toDeg - fromDeg) * i / n);
            p[i] = new double[] {cx + rx * Math.cos(a), cy + ry * Math.sin(a)};
        }
        return p;
    }

    static double[][] concat(double[][]... parts) {
        List<double[]> all = new ArrayList<>();
        for (double[][] p : parts) {
            all.addAll(List.of(p));
        }
        return all.toArray(new double[0][]);
    }
}
