package dev.digitpad.dataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws a figure the way the app's pad does (see {@code ui.Drawing#render}): black ink with a round
 * pen, anti-aliased, on a {@value #SIDE}x{@value #SIDE} white canvas, at a chosen size and a random
 * place. The result goes to {@link Presentation#normalise} like any picture the pad hands over.
 * It is an 8-bit grey image: black, white and their anti-aliased greys give the same ink as the
 * pad's RGB image, and the normaliser reads grey faster.
 */
final class PadSketch {
    /** Side of the pad's canvas in pixels. */
    static final int SIDE = 280;
    /** The pad's pen widths (its settings clamp to this range). */
    static final double MIN_PEN = 4;

    static final double MAX_PEN = 60;

    private PadSketch() {}

    /**
     * Pen lines (polylines of (x, y) points; a single point is a dot) and filled polygons, in any
     * coordinates: {@link #draw} fits them onto the canvas.
     */
    record Figure(List<double[][]> lines, List<double[][]> fills) {
        Figure {
            lines = List.copyOf(lines);
            fills = List.copyOf(fills);
        }

        static Figure lines(List<double[][]> lines) {
            return new Figure(lines, List.of());
        }

        /** Skeleton segments {x0, y0, x1, y1} (see {@link Skeleton}) as two-point pen lines. */
        static Figure ofSegments(List<double[]> segments) {
            List<double[][]> lines = new ArrayList<>(segments.size());
            for (double[] s : segments) {
                lines.add(new double[][] {{s[0], s[1]}, {s[2], s[3]}});
            }
            return lines(lines);
        }

        boolean isEmpty() {
            return lines.isEmpty() && fills.isEmpty();
        }
    }

    /**
     * Draws {@code figure}, first transformed by the linear map {@code shape} (rotation, slant,
     * stretch), scaled so that its longer side (pen centre lines) is {@code longerSide} px and moved
     * to a random place on the canvas, with a pen {@code pen} px wide. A figure that would not fit
     * with its pen is made smaller.
     */
    static BufferedImage draw(
            Figure figure, AffineTransform shape, double longerSide, double pen, SplittableRandom rng) {
        double minX = Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        double[] p = new double[2];
        List<double[][]> all = new ArrayList<>(figure.lines());
        all.addAll(figure.fills());
        for (double[][] line : all) {
            for (double[] point : line) {
                shape.transform(point, 0, p, 0, 1);
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        double extent = Math.max(1e-9, Math.max(maxX - minX, maxY - minY));
        double room = SIDE - pen - 2;
        double scale = Math.min(longerSide / extent, room / extent);
        double spanX = (maxX - minX) * scale + pen;
        double spanY = (maxY - minY) * scale + pen;
        double offX = pen / 2 + 1 + rng.nextDouble() * Math.max(0, SIDE - 2 - spanX) - minX * scale;
        double offY = pen / 2 + 1 + rng.nextDouble() * Math.max(0, SIDE - 2 - spanY) - minY * scale;
        AffineTransform place = new AffineTransform(scale, 0, 0, scale, offX, offY);
        place.concatenate(shape);

        BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, SIDE, SIDE);
            g.setColor(Color.BLACK);
            for (double[][] fill : figure.fills()) {
                g.fill(path(fill, place, true));
            }
            g.setStroke(new BasicStroke((float) pen, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            Path2D.Double lines = new Path2D.Double();
            for (double[][] line : figure.lines()) {
                if (line.length == 1) {
                    place.transform(line[0], 0, p, 0, 1);
                    g.fill(new Ellipse2D.Double(p[0] - pen / 2, p[1] - pen / 2, pen, pen));
                } else {
                    lines.append(path(line, place, false), false);
                }
            }
            g.draw(lines);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static Path2D.Double path(double[][] points, AffineTransform place, boolean closed) {
        Path2D.Double path = new Path2D.Double();
        double[] p = new double[2];
        for (int i = 0; i < points.length; i++) {
            place.transform(points[i], 0, p, 0, 1);
            if (i == 0) {
                path.moveTo(p[0], p[1]);
            } else {
                path.lineTo(p[0], p[1]);
            }
        }
        if (closed) {
            path.closePath();
        }
        return path;
    }

    /**
     * A random hand's linear distortion: rotation of up to {@code maxDegrees} either way, a slant
     * (x shifted by y) of up to {@code maxSlant}, and a stretch of up to {@code maxStretch} times.
     */
    static AffineTransform hand(double maxDegrees, double maxSlant, double maxStretch, SplittableRandom rng) {
        double angle = Math.toRadians((rng.nextDouble() * 2 - 1) * maxDegrees);
        double slant = (rng.nextDouble() * 2 - 1) * maxSlant;
        double stretch = Math.exp((rng.nextDouble() * 2 - 1) * Math.log(maxStretch));
        AffineTransform t = AffineTransform.getRotateInstance(angle);
        t.shear(-slant, 0);
        t.scale(stretch, 1);
        return t;
    }

    /** A pen width the pad allows, mostly near its default (22 px), at most {@code max}. */
    static double padPen(SplittableRandom rng, double max) {
        double pen = 22 * Math.exp(FloatGrid.gaussian(rng) * 0.45);
        return Math.max(MIN_PEN, Math.min(Math.min(MAX_PEN, max), pen));
    }
}
