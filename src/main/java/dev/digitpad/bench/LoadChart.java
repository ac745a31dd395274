package dev.digitpad.bench;

import dev.digitpad.bench.LoadRun.Results;
import dev.digitpad.bench.LoadRun.Row;
import dev.digitpad.client.ProtocolCase;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The load test's chart, one PNG to read at a glance: a latency panel per concurrency (p50, p90 and p99 of each
 * case), one more for each concurrency measured with batching (on the same scale as without), and a throughput
 * panel (predictions per second of each case at each concurrency). Drawn with JFreeChart into an image, without a
 * display.
 */
public final class LoadChart {
    public static final int WIDTH = 1600;
    static final int TITLE_HEIGHT = 70;
    static final int PANEL_HEIGHT = 460;
    static final int COLUMNS = 2;

    private static final Color[] PERCENTILES = {new Color(0x9ecae1), new Color(0x4292c6), new Color(0x08306b)};
    private static final Color[] SERIES = {
        new Color(0x66c2a5),
        new Color(0xfc8d62),
        new Color(0x8da0cb),
        new Color(0xe78ac3),
        new Color(0xa6d854),
        new Color(0xffd92f),
        new Color(0xe5c494),
        new Color(0xb3b3b3)
    };
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 24);
    private static final Font SUBTITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 15);

    private LoadChart() {}

    /** A latency panel: one concurrency, with batching or without. */
    record Panel(int concurrency, boolean batched) {
        String title() {
            return "Latency at concurrency " + concurrency + (batched ? ", with batching" : "");
        }
    }

    /** The latency panels, by concurrency, each without batching before with. */
    static List<Panel> panels(Results results) {
        return results.rows().stream()
                .map(r -> new Panel(r.concurrency(), r.batched()))
                .distinct()
                .sorted(Comparator.comparingInt(Panel::concurrency).thenComparing(Panel::batched))
                .toList();
    }

    /** The image's height for {@code latencyPanels} latency panels: two to a row, then the throughput panel. */
    public static int height(int latencyPanels) {
        return TITLE_HEIGHT + (latencyPanels + COLUMNS - 1) / COLUMNS * PANEL_HEIGHT + PANEL_HEIGHT;
    }

    public static void write(Results results, Path png) throws IOException {
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(render(results), "png", png.toFile())) {
            throw new IOException("no PNG writer in this Java runtime");
        }
    }

    static BufferedImage render(Results results) {
        List<Panel> panels = panels(results);
        BufferedImage image = new BufferedImage(WIDTH, height(panels.size()), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setColor(Color.BLACK);
            g.setFont(TITLE);
            g.drawString("DigitPad load test: gRPC and REST over loopback", 20, 32);
            g.setFont(SUBTITLE);
            LoadRun.Settings s = results.settings();
            g.drawString(
                    String.format(
                            Locale.ROOT,
                            "%d cores; closed-loop clients in the same process; %s per measurement after"
                                    + " %s of warm-up; %s",
                            results.setup().cores(),
                            LoadReport.seconds(s.length()),
                            LoadReport.seconds(s.warmup()),
                            s.batchingConcurrency() > 0
                                    ? "batching: " + s.batching().describe()
                                    : "no batching"),
                    20,
                    58);
            int panelWidth = WIDTH / COLUMNS;
            for (int i = 0; i < panels.size(); i++) {
                int x = (i % COLUMNS) * panelWidth;
                int y = TITLE_HEIGHT + (i / COLUMNS) * PANEL_HEIGHT;
                latencyChart(results, panels.get(i))
                        .draw(g, new Rectangle2D.Double(x + 5, y + 5, panelWidth - 10, PANEL_HEIGHT - 10));
            }
            int y = TITLE_HEIGHT + (panels.size() + COLUMNS - 1) / COLUMNS * PANEL_HEIGHT;
            throughputChart(results).draw(g, new Rectangle2D.Double(5, y + 5, WIDTH - 10, PANEL_HEIGHT - 10));
            g.setColor(Color.LIGHT_GRAY);
            g.setStroke(new BasicStroke(1));
            g.drawLine(0, TITLE_HEIGHT - 2, WIDTH, TITLE_HEIGHT - 2);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static JFreeChart latencyChart(Results results, Panel panel) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (ProtocolCase c : ProtocolCase.values()) {
            for (Row row : results.rows()) {
                if (row.loadCase() == c && new Panel(row.concurrency(), row.batched()).equals(panel)) {
                    // A case whose every call failed has no latency: no bar (its errors are in the report).
                    data.addValue(orNull(row.figures().percentileMillis(50)), "p50", c.label());
                    data.addValue(orNull(row.figures().percentileMillis(90)), "p90", c.label());
                    data.addValue(orNull(row.figures().percentileMillis(99)), "p99", c.label());
                }
            }
        }
        JFreeChart chart = barChart(panel.title(), "latency (ms)", data, new DecimalFormat("0.00"));
        BarRenderer renderer = (BarRenderer) chart.getCategoryPlot().getRenderer();
        for (int i = 0; i < PERCENTILES.length; i++) {
            renderer.setSeriesPaint(i, PERCENTILES[i]);
        }
        // With and without batching at one concurrency share a scale, so that their bars compare by eye.
        double top = results.rows().stream()
                .filter(r -> r.concurrency() == panel.concurrency())
                .mapToDouble(r -> r.figures().percentileMillis(99))
                .filter(Double::isFinite)
                .max()
                .orElse(0);
        if (top > 0) {
            chart.getCategoryPlot().getRangeAxis().setRange(0, top * 1.15);
        }
        return chart;
    }

    private static Double orNull(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static JFreeChart throughputChart(Results results) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        List<String> series = new ArrayList<>();
        for (boolean batched : new boolean[] {false, true}) {
            for (int c : results.rows().stream()
                    .map(Row::concurrency)
                    .distinct()
                    .sorted()
                    .toList()) {
                String name = "concurrency " + c + (batched ? ", batched" : "");
                for (Row row : results.rows()) {
                    if (row.concurrency() == c && row.batched() == batched) {
                        data.addValue(
                                row.figures().perSecond(), name, row.loadCase().label());
                        if (!series.contains(name)) {
                            series.add(name);
                        }
                    }
                }
            }
        }
        JFreeChart chart = barChart("Throughput", "predictions per second", data, new DecimalFormat("#,##0"));
        BarRenderer renderer = (BarRenderer) chart.getCategoryPlot().getRenderer();
        for (int i = 0; i < series.size(); i++) {
            renderer.setSeriesPaint(i, SERIES[i % SERIES.length]);
        }
        return chart;
    }

    private static JFreeChart barChart(
            String title, String valueAxis, DefaultCategoryDataset data, DecimalFormat labels) {
        CategoryAxis cases = new CategoryAxis("case");
        cases.setMaximumCategoryLabelLines(2);
        cases.setCategoryMargin(0.25);
        cases.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        cases.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        NumberAxis values = new NumberAxis(valueAxis);
        values.setUpperMargin(0.15);
        values.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        values.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.04);
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", labels));
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        renderer.setDefaultPositiveItemLabelPosition(
                new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER));
        CategoryPlot plot = new CategoryPlot(data, cases, values, renderer);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinesVisible(true);
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 17), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.TOP);
        legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        return chart;
    }
}
