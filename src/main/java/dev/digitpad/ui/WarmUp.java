package dev.digitpad.ui;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Runs the whole prediction path on a sample drawing, discarding the answers, so that the JVM has compiled it before
 * the person's first strokes: interpreted, it made a stroke end's answer several times slower. It stops after
 * {@link #TIME} or {@link #RUNS} predictions, at the first failure, or as soon as its caller says so.
 */
final class WarmUp {
    /** Longest a warm-up runs. */
    static final Duration TIME = Duration.ofSeconds(3);
    /** Most predictions a warm-up makes: enough for the JVM's optimising compiler to take up the whole path. */
    static final int RUNS = 3000;

    /** A 0 of a usual size and pen: what a warm-up predicts. */
    static final Drawing SAMPLE = new Drawing(Optional.empty(), List.of(ellipse(140, 140, 55, 85)));

    private WarmUp() {}

    /**
     * Predicts {@link #SAMPLE} with {@code p} on the calling thread while {@code wanted} holds, within the limits above.
     *
     * @return how many predictions it made
     */
    static int run(Predictor p, BooleanSupplier wanted) {
        long end = System.nanoTime() + TIME.toNanos();
        int runs = 0;
        while (runs < RUNS && wanted.getAsBoolean() && System.nanoTime() - end < 0) {
            if (PredictionPath.run(SAMPLE, p).failure() != null) {
                break;
            }
            runs++;
        }
        return runs;
    }

    private static Stroke ellipse(double cx, double cy, double rx, double ry) {
        double[] xy = new double[2 * 64];
        for (int i = 0; i < 64; i++) {
            double t = 2 * Math.PI * i / 63;
            xy[2 * i] = cx + rx * Math.sin(t);
            xy[2 * i + 1] = cy - ry * Math.cos(t);
        }
        return new Stroke(xy, 22, false);
    }
}
