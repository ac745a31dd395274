package dev.digitpad.ui;

import java.util.Arrays;

/**
 * One stroke of the pen or the eraser, in pad units (the pad is {@value Drawing#SIDE} units square, whatever
 * its size on screen).
 *
 * @param xy the points, x and y interleaved
 * @param width the pen width in pad units
 * @param eraser whether the stroke removes ink
 */
public record Stroke(double[] xy, double width, boolean eraser) {
    public Stroke {
        xy = xy.clone();
    }

    public int points() {
        return xy.length / 2;
    }

    public double x(int i) {
        return xy[2 * i];
    }

    public double y(int i) {
        return xy[2 * i + 1];
    }

    /** This stroke with one more point. */
    Stroke plus(double x, double y) {
        double[] more = Arrays.copyOf(xy, xy.length + 2);
        more[xy.length] = x;
        more[xy.length + 1] = y;
        return new Stroke(more, width, eraser);
    }

    @Override
    public double[] xy() {
        return xy.clone();
    }
}
