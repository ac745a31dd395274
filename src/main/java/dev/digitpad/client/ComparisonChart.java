package dev.digitpad.client;

import dev.digitpad.client.ProtocolComparison.CaseFigures;
import dev.digitpad.client.ProtocolComparison.Snapshot;
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
import java.util.Arrays;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The protocol comparison's chart: each case's latency distribution as a CDF (the share of calls answered within a
 * time, on a logarithmic time axis), titled with the server and the one sentence. Drawn with JFreeChart into an
 * image, without a display; the window shows the same image that is exported.
 */
public final class ComparisonChart {
    public static final int WIDTH = 960;
    public static final int HEIGHT = 600;

    /** One colour per case, in {@link ProtocolCase} order: gRPC blues, REST oranges. */
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0x6baed6), new Color(0xd62728), new Color(0xfd8d3c)
    };

    private ComparisonChart() {}

    public static BufferedImage render(Snapshot snapshot, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            chart(snapshot).draw(g, new Rectangle2D.Double(0, 0, width, height));
        } finally {
            g.dispose();
        }
        return image;
    }

    public static void writePng(Snapshot snapshot, Path png) throws IOException {
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(render(snapshot, WIDTH, HEIGHT), "png", png.toFile())) {
            throw new IOException("no PNG writer in this Java runtime");
        }
    }

    static JFreeChart chart(Snapshot snapshot) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYStepRenderer renderer = new XYStepRenderer();
        renderer.setDefaultShapesVisible(false);
        double least = Double.MAX_VALUE;
        for (CaseFigures c : snapshot.cases()) {
            if (!c.measured() || c.latenciesNanos().length == 0) {
                continue;
            }
            long[] sorted = c.latenciesNanos().clone();
            Arrays.sort(sorted);
            XYSeries series = new XYSeries(
                    String.format(
                            Locale.ROOT, "%s (p50 %.2f ms)", c.protocolCase().label(), c.percentileMillis(50)),
                    false,
                    true);
            for (int i = 0; i < sorted.length; i++) {
                series.add(sorted[i] / 1e6, (i + 1) / (double) sorted.length);
            }
            least = Math.min(least, sorted[0] / 1e6);
            renderer.setSeriesPaint(
                    data.getSeriesCount(), COLORS[c.protocolCase().ordinal()]);
            renderer.setSeriesStroke(data.getSeriesCount(), new BasicStroke(2.2f));
            data.addSeries(series);
        }
        LogAxis time = new LogAxis("latency of one call (ms, logarithmic)");
        time.setBase(10);
        time.setNumberFormatOverride(new DecimalFormat("0.###"));
        time.setTickUnit(new NumberTickUnit(Math.log10(2))); // a tick at each doubling: ..., 0.5, 1, 2, 4, ...
        time.setSmallestValue(least == Double.MAX_VALUE ? 0.01 : least / 2);
        time.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        NumberAxis share = new NumberAxis("share of calls answered within that time");
        share.setRange(0, 1.02);
        share.setTickUnit(new NumberTickUnit(0.1, new DecimalFormat("0%")));
        share.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        XYPlot plot = new XYPlot(data, time, share, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        JFreeChart chart = new JFreeChart(
                "gRPC against REST on " + snapshot.server(), new Font(Font.SANS_SERIF, Font.BOLD, 18), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        TextTitle sentence = new TextTitle(
                snapshot.sentence() + "  " + snapshot.roundsDone() + " of " + snapshot.rounds() + " rounds.",
                new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        chart.addSubtitle(sentence);
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        return chart;
    }
}
