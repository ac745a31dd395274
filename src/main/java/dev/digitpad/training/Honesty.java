package dev.digitpad.training;

import dev.digitpad.dataset.LabelledDigits;
import dev.digitpad.dataset.NotDigits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How honest a model's confidence is: on MNIST's test digits, the expected calibration error and the share answered
 * with a top probability at or above the app's "Not sure" threshold; on held-out pictures that are not digits, the
 * share that still get such a top probability, overall and by kind. Optionally draws the three pictures the README
 * shows: the reliability diagram, the threshold curves and the confusion matrix.
 *
 * @param digitsEce expected calibration error on the test digits, {@value Calibration#BINS} equal-width bins
 * @param digitsSure share of test digits whose top probability is at least {@link #THRESHOLD}
 * @param notDigits how many held-out pictures that are not digits were scored
 * @param notDigitsSure share of those whose top probability is at least {@link #THRESHOLD}
 * @param notDigitsSureByKind the same share for each kind of picture
 * @param charts the folder the three pictures were drawn in, if they were
 */
public record Honesty(
        double digitsEce,
        double digitsSure,
        int notDigits,
        double notDigitsSure,
        Map<NotDigits.Kind, Double> notDigitsSureByKind,
        Optional<Path> charts) {

    /** The app's default "Not sure" threshold. */
    public static final double THRESHOLD = ReportCharts.DEFAULT_THRESHOLD;

    /** File names of the pictures, in the charts folder. */
    public static final String RELIABILITY_PNG = "reliability.png";

    public static final String THRESHOLDS_PNG = "threshold-curves.png";
    public static final String CONFUSION_PNG = "confusion-matrix.png";

    /**
     * Scores {@code model} on {@code testDigits} and on {@code notDigitCount} held-out pictures that are not digits
     * (made by {@link NotDigits#heldOut} from the test digits, with its held-out seed).
     *
     * @param charts where to write the three PNGs; null for none
     */
    public static Honesty measure(SavedModelClassifier model, LabelledDigits testDigits, int notDigitCount, Path charts)
            throws IOException {
        float[][] digits = model.probabilities(testDigits.images());
        int[] labels = testDigits.labels();
        List<NotDigits.Picture> pictures = NotDigits.heldOut(testDigits, NotDigits.HELD_OUT_SEED, notDigitCount);
        float[][] others = model.probabilities(NotDigits.pixels(pictures));

        Map<NotDigits.Kind, int[]> byKind = new EnumMap<>(NotDigits.Kind.class);
        int sureOthers = 0;
        for (int i = 0; i < others.length; i++) {
            boolean sure = top(others[i]) >= THRESHOLD;
            int[] tally = byKind.computeIfAbsent(pictures.get(i).kind(), k -> new int[2]);
            tally[1]++;
            if (sure) {
                tally[0]++;
                sureOthers++;
            }
        }
        Map<NotDigits.Kind, Double> shares = new EnumMap<>(NotDigits.Kind.class);
        byKind.forEach((kind, tally) -> shares.put(kind, (double) tally[0] / tally[1]));
        Honesty honesty = new Honesty(
                Calibration.expectedCalibrationError(digits, labels, Calibration.BINS),
                shareSure(digits),
                others.length,
                others.length == 0 ? 0 : (double) sureOthers / others.length,
                shares,
                Optional.ofNullable(charts));
        if (charts != null) {
            String digitsName = String.format(java.util.Locale.ROOT, "MNIST test, %,d digits", digits.length);
            ReportCharts.write(
                    ReportCharts.reliabilityDiagram(digits, labels, digitsName), charts.resolve(RELIABILITY_PNG));
            ReportCharts.write(
                    ReportCharts.thresholdCurves(
                            digits,
                            digitsName,
                            others,
                            String.format(
                                    java.util.Locale.ROOT, "held-out pictures that are not digits, %,d", others.length),
                            THRESHOLD),
                    charts.resolve(THRESHOLDS_PNG));
            ReportCharts.write(ReportCharts.confusionMatrix(digits, labels, digitsName), charts.resolve(CONFUSION_PNG));
        }
        return honesty;
    }

    /** The share of rows whose top probability is at least {@link #THRESHOLD}. */
    static double shareSure(float[][] probabilities) {
        if (probabilities.length == 0) {
            return 0;
        }
        int sure = 0;
        for (float[] p : probabilities) {
            if (top(p) >= THRESHOLD) {
                sure++;
            }
        }
        return (double) sure / probabilities.length;
    }

    private static float top(float[] p) {
        float best = p[0];
        for (float v : p) {
            best = Math.max(best, v);
        }
        return best;
    }
}
