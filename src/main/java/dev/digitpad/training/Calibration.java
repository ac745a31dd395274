package dev.digitpad.training;

import java.util.ArrayList;
import java.util.List;

/**
 * Confidence calibration of a 10-class model: temperature scaling (Guo et al., "On Calibration of Modern Neural
 * Networks", 2017) fitted on validation logits, the expected calibration error over equal-width bins of the top
 * probability, and the per-bin data of a reliability diagram.
 *
 * <p>Bins split (0, 1] into {@code bins} equal intervals, each open below and closed above: a top probability
 * {@code p} falls into bin {@code ceil(p * bins) - 1} (0 into the first bin).
 */
public final class Calibration {
    /** The number of bins the project reports the calibration error over. */
    public static final int BINS = 15;

    /** The temperature search range: log T in [ln 0.05, ln 20]. */
    static final double MIN_LOG_T = Math.log(0.05);

    static final double MAX_LOG_T = Math.log(20);

    private static final double GOLDEN = (Math.sqrt(5) - 1) / 2;

    private Calibration() {}

    /** One bin of a reliability diagram: its range, how many predictions fell in it, their mean top probability and accuracy. */
    public record Bin(double lower, double upper, int count, double meanConfidence, double accuracy) {
        /** The gap between confidence and accuracy, weighted by the share of all predictions in this bin. */
        double weightedGap(int total) {
            return count == 0 ? 0 : (double) count / total * Math.abs(meanConfidence - accuracy);
        }
    }

    /**
     * The temperature T that minimises the mean negative log-likelihood of softmax(logits / T) on the given labels,
     * found by golden-section search over log T in [ln 0.05, ln 20] (the NLL is smooth and, in practice, unimodal
     * in log T).
     *
     * @param logits one row of 10 logits per example
     */
    public static double fitTemperature(float[][] logits, int[] labels) {
        check(logits, labels);
        double a = MIN_LOG_T;
        double b = MAX_LOG_T;
        double c = b - GOLDEN * (b - a);
        double d = a + GOLDEN * (b - a);
        double fc = nll(logits, labels, Math.exp(c));
        double fd = nll(logits, labels, Math.exp(d));
        while (b - a > 1e-6) {
            if (fc < fd) {
                b = d;
                d = c;
                fd = fc;
                c = b - GOLDEN * (b - a);
                fc = nll(logits, labels, Math.exp(c));
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + GOLDEN * (b - a);
                fd = nll(logits, labels, Math.exp(d));
            }
        }
        return Math.exp((a + b) / 2);
    }

    /** Mean negative log-likelihood (natural log) of the labels under softmax(logits / T). */
    public static double nll(float[][] logits, int[] labels, double temperature) {
        check(logits, labels);
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            sum -= logSoftmax(logits[i], temperature)[labels[i]];
        }
        return logits.length == 0 ? 0 : sum / logits.length;
    }

    /** log softmax(row / T), computed stably in double precision. */
    public static double[] logSoftmax(float[] row, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v / temperature);
        }
        double sum = 0;
        for (float v : row) {
            sum += Math.exp(v / temperature - max);
        }
        double logSum = max + Math.log(sum);
        double[] out = new double[row.length];
        for (int k = 0; k < row.length; k++) {
            out[k] = row[k] / temperature - logSum;
        }
        return out;
    }

    /** softmax(logits / T), row by row. */
    public static float[][] probabilities(float[][] logits, double temperature) {
        float[][] out = new float[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            double[] log = logSoftmax(logits[i], temperature);
            out[i] = new float[log.length];
            for (int k = 0; k < log.length; k++) {
                out[i][k] = (float) Math.exp(log[k]);
            }
        }
        return out;
    }

    /**
     * Reliability-diagram data: per bin of the top probability, how many predictions, their mean top probability
     * and the share whose top class is the label.
     */
    public static List<Bin> reliability(float[][] probabilities, int[] labels, int bins) {
        check(probabilities, labels);
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be positive: " + bins);
        }
        int[] count = new int[bins];
        double[] confidence = new double[bins];
        int[] correct = new int[bins];
        for (int i = 0; i < probabilities.length; i++) {
            float[] p = probabilities[i];
            int top = SavedModelClassifier.argmax(p);
            int bin = bin(p[top], bins);
            count[bin]++;
            confidence[bin] += p[top];
            if (top == labels[i]) {
                correct[bin]++;
            }
        }
        List<Bin> out = new ArrayList<>(bins);
        for (int b = 0; b < bins; b++) {
            out.add(new Bin(
                    (double) b / bins,
                    (double) (b + 1) / bins,
                    count[b],
                    count[b] == 0 ? 0 : confidence[b] / count[b],
                    count[b] == 0 ? 0 : (double) correct[b] / count[b]));
        }
        return out;
    }

    /**
     * Expected calibration error: the mean over bins of |accuracy - mean confidence|, weighted by the share of
     * predictions in each bin.
     */
    public static double expectedCalibrationError(float[][] probabilities, int[] labels, int bins) {
        return expectedCalibrationError(reliability(probabilities, labels, bins));
    }

    /** The expected calibration error of already binned predictions. */
    public static double expectedCalibrationError(List<Bin> bins) {
        int total = bins.stream().mapToInt(Bin::count).sum();
        double ece = 0;
        for (Bin b : bins) {
            ece += b.weightedGap(total);
        }
        return ece;
    }

    /** The bin of a top probability {@code p}: bins are (lower, upper], 0 belongs to the first. */
    static int bin(double p, int bins) {
        int b = (int) Math.ceil(p * bins) - 1;
        return Math.max(0, Math.min(bins - 1, b));
    }

    private static void check(float[][] rows, int[] labels) {
        if (rows.length != labels.length) {
            throw new IllegalArgumentException(rows.length + " rows but " + labels.length + " labels");
        }
    }
}
