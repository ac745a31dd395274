package dev.digitpad.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportChartsTest {

    /** Synthetic predictions: mostly confident and right for digits, flatter for non-digits. */
    static float[][] predictions(int n, double sharpness, long seed, int[] labelsOut) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] logits = new float[n][10];
        for (int i = 0; i < n; i++) {
            int label = rng.nextInt(10);
            if (labelsOut != null) {
                labelsOut[i] = label;
            }
            for (int k = 0; k < 10; k++) {
                logits[i][k] = (float) rng.nextGaussian();
            }
            logits[i][rng.nextDouble() < 0.9 ? label : rng.nextInt(10)] += (float) (sharpness * rng.nextDouble());
        }
        return Calibration.probabilities(logits, 1);
    }

    @Test
    void drawsTheThreeChartsAsPngs(@TempDir Path dir) throws IOException {
        int n = 2000;
        int[] labels = new int[n];
        float[][] digits = predictions(n, 12, 1, labels);
        float[][] outliers = predictions(500, 3, 2, null);

        JFreeChart reliability = ReportCharts.reliabilityDiagram(digits, labels, "synthetic digits");
        double ece = Calibration.expectedCalibrationError(digits, labels, Calibration.BINS);
        assertThat(reliability.getTitle().getText())
                .contains(String.format(java.util.Locale.ROOT, "%.2f%%", ece * 100));

        JFreeChart curves =
                ReportCharts.thresholdCurves(digits, "digits", outliers, "not digits", ReportCharts.DEFAULT_THRESHOLD);
        XYDataset data = curves.getXYPlot().getDataset();
        for (int s = 0; s < 2; s++) {
            assertThat(data.getYValue(s, 0)).isEqualTo(1.0);
            for (int i = 1; i < data.getItemCount(s); i++) {
                assertThat(data.getYValue(s, i)).isLessThanOrEqualTo(data.getYValue(s, i - 1));
            }
        }
        // at 0.6, the curve is the share of top probabilities >= 0.6
        int at = (int) Math.round(0.6 * 200);
        assertThat(data.getXValue(0, at)).isEqualTo(0.6);
        long kept = java.util.Arrays.stream(ReportCharts.topProbabilities(digits))
                .filter(p -> p >= 0.6)
                .count();
        assertThat(data.getYValue(0, at)).isEqualTo((double) kept / n);

        JFreeChart confusion = ReportCharts.confusionMatrix(digits, labels, "synthetic digits");
        int[][] counts = new int[10][10];
        for (int i = 0; i < n; i++) {
            counts[labels[i]][SavedModelClassifier.argmax(digits[i])]++;
        }
        var cells = confusion.getXYPlot().getAnnotations();
        assertThat(cells).hasSize(100);
        for (Object o : cells) {
            XYTextAnnotation cell = (XYTextAnnotation) o;
            assertThat(cell.getText()).isEqualTo(Integer.toString(counts[(int) cell.getY()][(int) cell.getX()]));
        }

        for (var e : java.util.Map.of("reliability", reliability, "thresholds", curves, "confusion", confusion)
                .entrySet()) {
            Path png = dir.resolve(e.getKey() + ".png");
            ReportCharts.write(e.getValue(), png);
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image.getWidth()).isEqualTo(ReportCharts.WIDTH);
            assertThat(image.getHeight()).isEqualTo(ReportCharts.HEIGHT);
            String out = System.getProperty("digitpad.charts.dir");
            if (out != null) {
                ReportCharts.write(e.getValue(), Path.of(out, e.getKey() + ".png"));
            }
        }
    }
}
