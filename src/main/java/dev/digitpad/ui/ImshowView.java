package dev.digitpad.ui;

import dev.digitpad.contract.ModelContract;
import dev.digitpad.imaging.DivergingScale;
import dev.digitpad.imaging.GrayScale;
import dev.digitpad.imaging.OcclusionPicture;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.css.CssMetaData;
import javafx.css.SimpleStyleableObjectProperty;
import javafx.css.StyleConverter;
import javafx.css.Styleable;
import javafx.css.StyleableObjectProperty;
import javafx.css.StyleableProperty;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.geometry.VPos;
import javafx.scene.SnapshotParameters;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;
import javax.imageio.ImageIO;

/**
 * Shows a square image tensor (28x28, row-major) the way {@code plt.imshow(img, cmap="gray")} does: grey levels
 * scaled linearly from the data's minimum (black) to its maximum (white), nearest-neighbour cells, axes with
 * outward ticks and labels every 5 pixels (10 or 20 when the view is too small for their labels), y growing downward;
 * optionally a colorbar. With no data it shows empty axes. The figure and the axes take their colours from CSS
 * ({@code -digitpad-figure-color}, {@code -digitpad-axes-color}: white and black unless the theme says otherwise), and
 * it redraws when they change.
 */
public final class ImshowView extends Region {
    public static final int SIDE = ModelContract.SIDE;
    static final double LEFT = 34;
    static final double TOP = 8;
    static final double BOTTOM = 24;
    static final double RIGHT = 10;
    static final double COLORBAR = 56;
    static final double TICK = 3.5;
    private static final Font TICK_FONT = Font.font("SansSerif", 11);
    /** Screen pixels kept free between neighbouring tick labels. */
    private static final double TICK_GAP = 4;

    private final ObjectProperty<float[]> data = new SimpleObjectProperty<>(this, "data");
    private final BooleanProperty colorbar = new SimpleBooleanProperty(this, "colorbar");
    /** A map drawn over the data, as {@code imshow(map, cmap="RdBu_r", alpha=0.5)} centred at zero; null for none. */
    private final ObjectProperty<float[]> overlay = new SimpleObjectProperty<>(this, "overlay");

    private final Canvas canvas = new Canvas();

    private static final CssMetaData<ImshowView, Color> FIGURE_COLOR =
            new CssMetaData<>("-digitpad-figure-color", StyleConverter.getColorConverter(), Color.WHITE) {
                @Override
                public boolean isSettable(ImshowView view) {
                    return !view.figureColor.isBound();
                }

                @Override
                public StyleableProperty<Color> getStyleableProperty(ImshowView view) {
                    return view.figureColor;
                }
            };
    private static final CssMetaData<ImshowView, Color> AXES_COLOR =
            new CssMetaData<>("-digitpad-axes-color", StyleConverter.getColorConverter(), Color.BLACK) {
                @Override
                public boolean isSettable(ImshowView view) {
                    return !view.axesColor.isBound();
                }

                @Override
                public StyleableProperty<Color> getStyleableProperty(ImshowView view) {
                    return view.axesColor;
                }
            };
    private static final List<CssMetaData<? extends Styleable, ?>> CSS_META_DATA;

    static {
        List<CssMetaData<? extends Styleable, ?>> all = new ArrayList<>(Region.getClassCssMetaData());
        all.add(FIGURE_COLOR);
        all.add(AXES_COLOR);
        CSS_META_DATA = List.copyOf(all);
    }

    private final StyleableObjectProperty<Color> figureColor =
            new SimpleStyleableObjectProperty<>(FIGURE_COLOR, this, "figureColor", Color.WHITE);
    private final StyleableObjectProperty<Color> axesColor =
            new SimpleStyleableObjectProperty<>(AXES_COLOR, this, "axesColor", Color.BLACK);

    public ImshowView() {
        getStyleClass().add("imshow");
        getChildren().add(canvas);
        data.addListener((o, a, b) -> draw());
        colorbar.addListener((o, a, b) -> draw());
        overlay.addListener((o, a, b) -> draw());
        figureColor.addListener((o, a, b) -> draw());
        axesColor.addListener((o, a, b) -> draw());
        setMinSize(140, 120);
        setPrefSize(360, 320);
    }

    public static List<CssMetaData<? extends Styleable, ?>> getClassCssMetaData() {
        return CSS_META_DATA;
    }

    @Override
    public List<CssMetaData<? extends Styleable, ?>> getCssMetaData() {
        return CSS_META_DATA;
    }

    @Override
    protected void layoutChildren() {
        double w = snapSizeX(getWidth());
        double h = snapSizeY(getHeight());
        if (canvas.getWidth() != w || canvas.getHeight() != h) {
            canvas.setWidth(w);
            canvas.setHeight(h);
            draw();
        }
    }

    /** The axes square: x, y, side, in this control's coordinates. */
    public double[] axes() {
        double w = canvas.getWidth() - LEFT - RIGHT - (showsColorbar() ? COLORBAR : 0);
        double h = canvas.getHeight() - TOP - BOTTOM;
        double side = Math.floor(Math.max(0, Math.min(w, h)));
        return new double[] {Math.floor(LEFT), Math.floor(TOP), side};
    }

    /** The edge of cell {@code i} (0..28) along an axis, snapped to whole pixels. */
    double edge(double origin, double side, int i) {
        return origin + Math.round(side * i / SIDE);
    }

    /** Where the tick for pixel index {@code i} is, along an axis that starts at {@code origin}: the cell's centre. */
    public double tick(double origin, double side, int i) {
        return origin + side * (i + 0.5) / SIDE;
    }

    private void draw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        Color axes = axesColor.get();
        g.setFill(figureColor.get());
        g.fillRect(0, 0, w, h);
        double[] a = axes();
        double x0 = a[0];
        double y0 = a[1];
        double side = a[2];
        if (side < SIDE) {
            return;
        }
        float[] v = data.get();
        GrayScale scale = v == null ? new GrayScale(0, 1) : GrayScale.of(v);
        float[] map = v == null ? null : overlay.get();
        DivergingScale mapScale = map == null ? null : DivergingScale.of(map);
        if (v != null) {
            g.setImageSmoothing(false);
            for (int r = 0; r < SIDE; r++) {
                double top = edge(y0, side, r);
                double bottom = edge(y0, side, r + 1);
                for (int c = 0; c < SIDE; c++) {
                    double left = edge(x0, side, c);
                    double right = edge(x0, side, c + 1);
                    int i = r * SIDE + c;
                    g.setFill(
                            map == null
                                    ? Color.gray(scale.level(v[i]))
                                    : rgb(OcclusionPicture.cellColor(scale.level(v[i]), mapScale.level(map[i]))));
                    g.fillRect(left, top, right - left, bottom - top);
                }
            }
        }
        g.setStroke(axes);
        g.setLineWidth(1);
        g.strokeRect(x0 - 0.5, y0 - 0.5, side + 1, side + 1);
        g.setFill(axes);
        g.setFont(TICK_FONT);
        int step = tickStep(side);
        for (int t = 0; t < SIDE; t += step) {
            double x = Math.round(tick(x0, side, t)) + 0.5;
            g.strokeLine(x, y0 + side + 0.5, x, y0 + side + 0.5 + TICK);
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.TOP);
            g.fillText(Integer.toString(t), x, y0 + side + TICK + 2);
            double y = Math.round(tick(y0, side, t)) + 0.5;
            g.strokeLine(x0 - 0.5, y, x0 - 0.5 - TICK, y);
            g.setTextAlign(TextAlignment.RIGHT);
            g.setTextBaseline(VPos.CENTER);
            g.fillText(Integer.toString(t), x0 - TICK - 3, y);
        }
        if (mapScale != null) {
            drawMapColorbar(g, axes, x0 + side + 14, y0, side, mapScale);
        } else if (colorbar.get()) {
            drawGrayColorbar(g, axes, x0 + side + 14, y0, side, scale.min(), scale.max());
        }
    }

    /** Whether a colorbar takes room beside the axes: the one asked for, or the overlay's. */
    private boolean showsColorbar() {
        return colorbar.get() || (overlay.get() != null && data.get() != null);
    }

    private static Color rgb(int rgb) {
        return Color.rgb((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff);
    }

    /** The overlay's colorbar, as {@link OcclusionPicture} draws it: red on top, its ticks centred at zero. */
    /** The occlusion map's colorbar: matplotlib's RdBu_r, ticks at round values of {@code scale}. */
    private static void drawMapColorbar(
            GraphicsContext g, Color axes, double x, double y, double height, DivergingScale scale) {
        List<Map.Entry<Double, String>> ticks = new ArrayList<>();
        for (double tick : scale.ticks()) {
            ticks.add(Map.entry((double) scale.level((float) tick), scale.label(tick)));
        }
        drawColorbar(g, axes, x, y, height, level -> rgb(OcclusionPicture.colorbarColor(level)), ticks);
    }

    /** The view's colorbar: grey from black at {@code min} to white at {@code max}, five ticks. */
    private static void drawGrayColorbar(
            GraphicsContext g, Color axes, double x, double y, double height, float min, float max) {
        List<Map.Entry<Double, String>> ticks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            double f = i / 4.0;
            ticks.add(Map.entry(f, String.format("%.2f", min + f * (max - min))));
        }
        drawColorbar(g, axes, x, y, height, Color::gray, ticks);
    }

    /**
     * A colorbar {@code height} high at ({@code x}, {@code y}): {@code color} of each level from 1 at the top to 0 at
     * the bottom, framed, with labelled ticks at their levels (0 to 1) on its right.
     */
    private static void drawColorbar(
            GraphicsContext g,
            Color axes,
            double x,
            double y,
            double height,
            DoubleFunction<Color> color,
            List<Map.Entry<Double, String>> ticks) {
        double width = 12;
        int steps = (int) height;
        for (int i = 0; i < steps; i++) {
            g.setFill(color.apply(1 - (i + 0.5) / steps));
            g.fillRect(x, y + i, width, 1);
        }
        g.setStroke(axes);
        g.strokeRect(x - 0.5, y - 0.5, width + 1, height + 1);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        g.setFill(axes);
        for (Map.Entry<Double, String> tick : ticks) {
            double ty = Math.round(y + height * (1 - tick.getKey())) + 0.5;
            g.strokeLine(x + width + 0.5, ty, x + width + 0.5 + TICK, ty);
            g.fillText(tick.getValue(), x + width + TICK + 2, ty);
        }
    }

    /**
     * Pixels between labelled ticks: 5 as matplotlib has them, or 10 or 20 when the axes are so small that labels 5
     * pixels apart would touch (a gap of at least {@value #TICK_GAP} screen pixels between neighbours on both axes).
     */
    static int tickStep(double side) {
        Bounds widest = textBounds(Integer.toString(SIDE - 1));
        for (int step : new int[] {5, 10}) {
            double apart = side * step / SIDE;
            if (apart >= widest.getWidth() + TICK_GAP && apart >= widest.getHeight() + TICK_GAP) {
                return step;
            }
        }
        return 20;
    }

    /**
     * Where the tick labels are drawn, in this control's coordinates: the x axis's, then the y axis's. Empty while the
     * axes are too small to draw.
     */
    public List<Bounds> tickLabels() {
        double[] a = axes();
        double x0 = a[0];
        double y0 = a[1];
        double side = a[2];
        List<Bounds> labels = new ArrayList<>();
        if (side < SIDE) {
            return labels;
        }
        int step = tickStep(side);
        for (int t = 0; t < SIDE; t += step) {
            Bounds text = textBounds(Integer.toString(t));
            double x = Math.round(tick(x0, side, t)) + 0.5;
            labels.add(
                    new BoundingBox(x - text.getWidth() / 2, y0 + side + TICK + 2, text.getWidth(), text.getHeight()));
        }
        for (int t = 0; t < SIDE; t += step) {
            Bounds text = textBounds(Integer.toString(t));
            double y = Math.round(tick(y0, side, t)) + 0.5;
            labels.add(new BoundingBox(
                    x0 - TICK - 3 - text.getWidth(), y - text.getHeight() / 2, text.getWidth(), text.getHeight()));
        }
        return labels;
    }

    private static Bounds textBounds(String s) {
        Text text = new Text(s);
        text.setFont(TICK_FONT);
        return text.getLayoutBounds();
    }

    /** Writes what the control shows to a PNG file. */
    public void exportPng(Path file) throws IOException {
        SnapshotParameters params = new SnapshotParameters();
        WritableImage image = snapshot(params, null);
        BufferedImage buffered = SwingFXUtils.fromFXImage(image, null);
        if (!ImageIO.write(buffered, "png", file.toFile())) {
            throw new IOException("No PNG writer is available to save " + file + ".");
        }
    }

    public ObjectProperty<float[]> dataProperty() {
        return data;
    }

    public BooleanProperty colorbarProperty() {
        return colorbar;
    }

    /**
     * An occlusion map drawn over the data (784 values, row-major), with its own colorbar in place of the grey one; null
     * for none. It is drawn only with data.
     */
    public ObjectProperty<float[]> overlayProperty() {
        return overlay;
    }
}
