package dev.digitpad.training;

import dev.digitpad.contract.ModelContract;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The model report's pictures, drawn with JFreeChart into PNG files without a display: the reliability diagram, the
 * threshold curves (digits and pictures that are not digits kept at each confidence threshold) and the confusion
 * matrix. Every input is plain arrays, so any set can be drawn.
 */
public final class ReportCharts {
    public static final int WIDTH = 900;
    public static final int HEIGHT = 760;

    /** The app's default "Not sure" threshold, marked on the threshold curves. */
    public static final double DEFAULT_THRESHOLD = ModelContract.NOT_SURE_BELOW;

    private static final Color ACCURACY = new Color(0x4292c6);
    private static final Color DIAGONAL = new Color(0x636363);
    private static final Color DIGITS = new Color(0x2171b5);
    private static final Color OUTLIERS = new Color(0xd94801);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 20);
    private static final Font SUBTITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font CELL = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private ReportCharts() {}

    /**
     * Reliability diagram over {@link Calibration#BINS} bins: per bin of the top probability, the share of right
     * answers, against the diagonal of perfect calibration; the expected calibration error in the title.
     *
     * @param title what was measured, for example "MNIST test, 10,000 digits"
     */
    public static JFreeChart reliabilityDiagram(float[][] probabilities, int[] labels, String title) {
        List<Calibration.Bin> bins = Calibration.reliability(probabilities, labels, Calibration.BINS);
        double ece = Calibration.expectedCalibrationError(bins);
        XYIntervalSeries accuracy = new XYIntervalSeries("accuracy of the predictions in the bin");
        XYSeries confidence = new XYSeries("mean confidence in the bin (perfect calibration: the bar reaches it)");
        for (Calibration.Bin b : bins) {
            if (b.count() > 0) {
                double mid = (b.lower() + b.upper()) / 2;
                accuracy.add(mid, b.lower(), b.upper(), b.accuracy(), 0, b.accuracy());
                confidence.add(mid, b.meanConfidence());
            }
        }
        XYIntervalSeriesCollection bars = new XYIntervalSeriesCollection();
        bars.addSeries(accuracy);
        XYSeries diagonal = new XYSeries("perfect calibration");
        diagonal.add(0, 0);
        diagonal.add(1, 1);
        XYSeriesCollection lines = new XYSeriesCollection();
        lines.addSeries(diagonal);
        lines.addSeries(confidence);

        NumberAxis x = unitAxis("confidence (top probability)");
        NumberAxis y = unitAxis("accuracy");
        XYBarRenderer barRenderer = new XYBarRenderer();
        barRenderer.setBarPainter(new StandardXYBarPainter());
        barRenderer.setShadowVisible(false);
        barRenderer.setDrawBarOutline(true);
        barRenderer.setSeriesPaint(0, ACCURACY);
        barRenderer.setSeriesOutlinePaint(0, Color.WHITE);
        XYPlot plot = new XYPlot(bars, x, y, barRenderer);
        XYLineAndShapeRenderer lineRenderer = new XYLineAndShapeRenderer();
        lineRenderer.setSeriesPaint(0, DIAGONAL);
        lineRenderer.setSeriesStroke(
                0, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
        lineRenderer.setSeriesShapesVisible(0, false);
        lineRenderer.setSeriesPaint(1, OUTLIERS);
        lineRenderer.setSeriesLinesVisible(1, false);
        lineRenderer.setSeriesShapesVisible(1, true);
        plot.setDataset(1, lines);
        plot.setRenderer(1, lineRenderer);
        plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.FORWARD);
        style(plot);
        for (Calibration.Bin b : bins) {
            if (b.count() > 0) {
                XYTextAnnotation count = new XYTextAnnotation(
                        String.format(Locale.ROOT, "%,d", b.count()), (b.lower() + b.upper()) / 2, 0.015);
                count.setFont(SMALL);
                count.setTextAnchor(TextAnchor.BOTTOM_CENTER);
                count.setPaint(b.accuracy() > 0.05 ? Color.WHITE : Color.BLACK);
                plot.addAnnotation(count);
            }
        }

        JFreeChart chart = chart(String.format(Locale.ROOT, "Reliability diagram: ECE %.2f%%", ece * 100), plot);
        chart.addSubtitle(subtitle(String.format(
                Locale.ROOT,
                "%s; %d equal-width bins of the top probability; bars: share right, with the number of predictions"
                        + " in the bin",
                title,
                Calibration.BINS)));
        return chart;
    }

    /**
     * Threshold curves: for each threshold t in [0, 1], the share of digits and the share of pictures that are not
     * digits whose top probability is at least t (answered rather than "Not sure"), with a marker at {@code marker}.
     */
    public static JFreeChart thresholdCurves(
            float[][] digitProbabilities,
            String digitsName,
            float[][] outlierProbabilities,
            String outliersName,
            double marker) {
        double[] digitTop = topProbabilities(digitProbabilities);
        double[] outlierTop = topProbabilities(outlierProbabilities);
        XYSeries digits = new XYSeries(digitsName + ": named a digit");
        XYSeries outliers = new XYSeries(outliersName + ": named a digit");
        for (int i = 0; i <= 200; i++) {
            double t = i / 200.0;
            digits.add(t, shareAtLeast(digitTop, t));
            outliers.add(t, shareAtLeast(outlierTop, t));
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(digits);
        data.addSeries(outliers);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setSeriesPaint(0, DIGITS);
        renderer.setSeriesPaint(1, OUTLIERS);
        renderer.setSeriesStroke(0, new BasicStroke(2.5f));
        renderer.setSeriesStroke(1, new BasicStroke(2.5f));
        XYPlot plot = new XYPlot(
                data, unitAxis("threshold t"), unitAxis("share whose top probability is at least t"), renderer);
        ValueMarker at = new ValueMarker(marker, DIAGONAL, new BasicStroke(1.5f));
        at.setLabel(String.format(
                Locale.ROOT,
                "t = %.2f: %.1f%% of digits, %.1f%% of non-digits",
                marker,
                100 * shareAtLeast(digitTop, marker),
                100 * shareAtLeast(outlierTop, marker)));
        at.setLabelFont(SUBTITLE);
        at.setLabelBackgroundColor(new Color(255, 255, 255, 230));
        at.setLabelAnchor(RectangleAnchor.CENTER);
        at.setLabelTextAnchor(TextAnchor.CENTER_LEFT);
        at.setLabelOffset(new RectangleInsets(0, 8, 0, 0));
        plot.addDomainMarker(at);
        style(plot);
        JFreeChart chart = chart("Confidence thresholds: digits kept, non-digits let through", plot);
        chart.addSubtitle(subtitle(String.format(
                Locale.ROOT,
                "%d digits, %d pictures that are not digits; below t the app says \"Not sure\"",
                digitTop.length,
                outlierTop.length)));
        return chart;
    }

    /** Confusion-matrix heat map of predictions (the top class) against labels. */
    public static JFreeChart confusionMatrix(float[][] probabilities, int[] labels, String title) {
        if (probabilities.length != labels.length) {
            throw new IllegalArgumentException(probabilities.length + " predictions but " + labels.length + " labels");
        }
        int[][] confusion = new int[10][10];
        for (int i = 0; i < labels.length; i++) {
            confusion[labels[i]][SavedModelClassifier.argmax(probabilities[i])]++;
        }
        return confusionMatrix(confusion, title);
    }

    /**
     * Confusion-matrix heat map, {@code confusion[truth][predicted]}, counts in the cells. The diagonal is shaded in
     * blue and the mistakes in red, each on a logarithmic scale, so that a handful of mistakes still shows.
     */
    public static JFreeChart confusionMatrix(int[][] confusion, String title) {
        int n = confusion.length;
        double[] xs = new double[n * n];
        double[] ys = new double[n * n];
        double[] zs = new double[n * n];
        int maxRight = 1;
        int maxWrong = 1;
        long total = 0;
        long right = 0;
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) {
                int i = t * n + p;
                xs[i] = p;
                ys[i] = t;
                zs[i] = t == p ? confusion[t][p] : -confusion[t][p];
                total += confusion[t][p];
                if (t == p) {
                    right += confusion[t][p];
                    maxRight = Math.max(maxRight, confusion[t][p]);
                } else {
                    maxWrong = Math.max(maxWrong, confusion[t][p]);
                }
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("counts", new double[][] {xs, ys, zs});
        XYBlockRenderer renderer = new XYBlockRenderer();
        CountScale scale = new CountScale(maxRight, maxWrong);
        renderer.setPaintScale(scale);
        NumberAxis x = digitAxis("predicted");
        NumberAxis y = digitAxis("true digit");
        y.setInverted(true);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        style(plot);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) {
                int count = confusion[t][p];
                XYTextAnnotation label = new XYTextAnnotation(Integer.toString(count), p, t);
                label.setFont(CELL);
                Color cell = (Color) scale.getPaint(t == p ? count : -count);
                double luminance = (0.299 * cell.getRed() + 0.587 * cell.getGreen() + 0.114 * cell.getBlue()) / 255;
                label.setPaint(luminance < 0.6 ? Color.WHITE : Color.BLACK);
                plot.addAnnotation(label);
            }
        }
        JFreeChart chart = chart("Confusion matrix", plot);
        chart.removeLegend();
        chart.addSubtitle(subtitle(String.format(
                Locale.ROOT,
                "%s: %,d of %,d right (%.2f%%); rows: true digit, columns: predicted",
                title,
                right,
                total,
                total == 0 ? 0 : 100.0 * right / total)));
        return chart;
    }

    /** Draws {@code chart} into a {@code width} x {@code height} PNG at {@code png}, creating its directory. */
    public static void write(JFreeChart chart, Path png, int width, int height) throws IOException {
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer in this Java runtime");
        }
    }

    /** {@link #write(JFreeChart, Path, int, int)} at {@link #WIDTH} x {@link #HEIGHT}. */
    public static void write(JFreeChart chart, Path png) throws IOException {
        write(chart, png, WIDTH, HEIGHT);
    }

    /** The share of {@code values} at least {@code t}. */
    static double shareAtLeast(double[] values, double t) {
        if (values.length == 0) {
            return 0;
        }
        int count = 0;
        for (double v : values) {
            if (v >= t) {
                count++;
            }
        }
        return (double) count / values.length;
    }

    static double[] topProbabilities(float[][] probabilities) {
        return Arrays.stream(probabilities)
                .mapToDouble(p -> p[SavedModelClassifier.argmax(p)])
                .toArray();
    }

    private static JFreeChart chart(String title, XYPlot plot) {
        JFreeChart chart = new JFreeChart(title, TITLE, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static TextTitle subtitle(String text) {
        TextTitle t = new TextTitle(text, SUBTITLE);
        t.setPadding(4, 10, 8, 10);
        return t;
    }

    private static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setOutlinePaint(Color.GRAY);
    }

    private static NumberAxis unitAxis(String label) {
        NumberAxis axis = new NumberAxis(label);
        axis.setRange(0, 1);
        axis.setTickUnit(new NumberTickUnit(0.1));
        axis.setLabelFont(SUBTITLE);
        return axis;
    }

    private static NumberAxis digitAxis(String label) {
        NumberAxis axis = new NumberAxis(label);
        axis.setRange(-0.5, 9.5);
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setLabelFont(SUBTITLE);
        axis.setTickLabelFont(CELL);
        return axis;
    }

    /** Cell colours: positive values (right answers) blue, negative (mistakes) red, both on a log scale; 0 white. */
    private record CountScale(int maxRight, int maxWrong) implements PaintScale {
        @Override
        public double getLowerBound() {
            return -maxWrong;
        }

        @Override
        public double getUpperBound() {
            return maxRight;
        }

        @Override
        public Paint getPaint(double value) {
            if (value == 0) {
                return Color.WHITE;
            }
            double share =
                    value > 0 ? Math.log1p(value) / Math.log1p(maxRight) : Math.log1p(-value) / Math.log1p(maxWrong);
            Color full = value > 0 ? new Color(0x08519c) : new Color(0xcb181d);
            float s = (float) (0.15 + 0.85 * Math.min(1, share));
            return new Color(
                    Math.round(255 + (full.getRed() - 255) * s),
                    Math.round(255 + (full.getGreen() - 255) * s),
                    Math.round(255 + (full.getBlue() - 255) * s));
        }
    }
}
