package dev.digitpad.testing;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Digits drawn the way a person draws them with a mouse: round strokes of a thick pen on a 280x280
 * canvas, at a chosen size and place. Each digit is a few strokes in a unit box (x and y from 0 to 1).
 */
public final class DigitSketches {
    public static final int CANVAS = 280;

    private DigitSketches() {}

    /** The strokes of a digit in the unit box, y down. */
    public static List<Shape> strokes(int digit) {
        return switch (digit) {
            case 0 -> List.of(new Ellipse2D.Double(0.15, 0.0, 0.7, 1.0));
            case 1 -> List.of(line(0.3, 0.2, 0.55, 0.0, 0.55, 1.0));
            case 2 ->
                List.of(arcThen(new Arc2D.Double(0.1, 0.0, 0.8, 0.6, 160, -200, Arc2D.OPEN), 0.1, 1.0, 0.95, 1.0));
            case 3 ->
                List.of(
                        new Arc2D.Double(0.15, 0.0, 0.7, 0.5, 150, -255, Arc2D.OPEN),
                        new Arc2D.Double(0.1, 0.45, 0.8, 0.55, 105, -285, Arc2D.OPEN));
            case 4 -> List.of(line(0.65, 0.0, 0.05, 0.7, 0.95, 0.7), line(0.7, 0.35, 0.7, 1.0));
            case 5 ->
                List.of(
                        line(0.85, 0.0, 0.2, 0.0, 0.15, 0.45),
                        new Arc2D.Double(0.1, 0.35, 0.8, 0.65, 140, -270, Arc2D.OPEN));
            case 6 ->
                List.of(
                        new Arc2D.Double(0.1, 0.0, 1.4, 1.4, 100, 80, Arc2D.OPEN),
                        new Ellipse2D.Double(0.1, 0.45, 0.75, 0.55));
            case 7 -> List.of(line(0.05, 0.0, 0.95, 0.0, 0.35, 1.0));
            case 8 -> List.of(new Ellipse2D.Double(0.2, 0.0, 0.6, 0.45), new Ellipse2D.Double(0.12, 0.45, 0.76, 0.55));
            case 9 -> List.of(new Ellipse2D.Double(0.15, 0.0, 0.7, 0.5), line(0.85, 0.25, 0.8, 1.0));
            default -> throw new IllegalArgumentException("not a digit: " + digit);
        };
    }

    /**
     * Draws a digit {@code height} px tall with its box's top-left at (x, y), with a pen {@code pen} px wide.
     *
     * @param darkOnLight black ink on white paper, or white ink on black
     */
    public static BufferedImage draw(int digit, double x, double y, double height, float pen, boolean darkOnLight) {
        BufferedImage image = new BufferedImage(CANVAS, CANVAS, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(darkOnLight ? Color.WHITE : Color.BLACK);
            g.fillRect(0, 0, CANVAS, CANVAS);
            g.setColor(darkOnLight ? Color.BLACK : Color.WHITE);
            g.setStroke(new BasicStroke(pen, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            AffineTransform box = new AffineTransform(height * 0.8, 0, 0, height, x, y);
            for (Shape s : strokes(digit)) {
                g.draw(box.createTransformedShape(s));
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static Path2D line(double... xy) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            p.lineTo(xy[i], xy[i + 1]);
        }
        return p;
    }

    private static Path2D arcThen(Arc2D arc, double... xy) {
        Path2D.Double p = new Path2D.Double(arc);
        for (int i = 0; i < xy.length; i += 2) {
            p.lineTo(xy[i], xy[i + 1]);
        }
        return p;
    }
}
