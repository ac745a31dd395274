package dev.digitpad.ui;

import dev.digitpad.contract.ModelContract;
import dev.digitpad.imaging.GrayScale;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.VPos;
import javafx.scene.SnapshotParameters;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;
import javax.imageio.ImageIO;

/**
 * Shows a square image tensor (28x28, row-major) the way {@code plt.imshow(img, cmap="gray")} does: grey levels
 * scaled linearly from the data's minimum (black) to its maximum (white), nearest-neighbour cells, axes with
 * outward ticks and labels every 5 pixels, y growing downward, on a white figure; optionally a colorbar.
 * With no data it shows empty axes.
 */
public final class ImshowView extends Region {
    public static final int SIDE = ModelContract.SIDE;
    static final double LEFT = 34;
    static final double TOP = 8;
    static final double BOTTOM = 24;
    static final double RIGHT = 10;
    static final double COLORBAR = 56;
    static final double TICK = 3.5;

    private final ObjectProperty<float[]> data = new SimpleObjectProperty<>(this, "data");
    private final BooleanProperty colorbar = new SimpleBooleanProperty(this, "colorbar");
    private final Canvas canvas = new Canvas();

    public ImshowView() {
        getStyleClass().add("imshow");
        getChildren().add(canvas);
        data.addListener((o, a, b) -> draw());
        colorbar.addListener((o, a, b) -> draw());
        setMinSize(140, 120);
        setPrefSize(360, 320);
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
        double w = canvas.getWidth() - LEFT - RIGHT - (colorbar.get() ? COLORBAR : 0);
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
        g.setFill(Color.WHITE);
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
        if (v != null) {
            g.setImageSmoothing(false);
            for (int r = 0; r < SIDE; r++) {
                double top = edge(y0, side, r);
                double bottom = edge(y0, side, r + 1);
                for (int c = 0; c < SIDE; c++) {
                    double left = edge(x0, side, c);
                    double right = edge(x0, side, c + 1);
                    g.setFill(Color.gray(scale.level(v[r * SIDE + c])));
                    g.fillRect(left, top, right - left, bottom - top);
                }
            }
        }
        g.setStroke(Color.BLACK);
        g.setLineWidth(1);
        g.strokeRect(x0 - 0.5, y0 - 0.5, side + 1, side + 1);
        g.setFill(Color.BLACK);
        g.setFont(Font.font("SansSerif", 11));
        for (int t = 0; t < SIDE; t += 5) {
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
        if (colorbar.get()) {
            drawColorbar(g, x0 + side + 14, y0, side, scale.min(), scale.max());
        }
    }

    private static void drawColorbar(GraphicsContext g, double x, double y, double height, float min, float max) {
        double width = 12;
        int steps = (int) height;
        for (int i = 0; i < steps; i++) {
            double f = 1 - (i + 0.5) / steps;
            g.setFill(Color.gray(f));
            g.fillRect(x, y + i, width, 1);
        }
        g.setStroke(Color.BLACK);
        g.strokeRect(x - 0.5, y - 0.5, width + 1, height + 1);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        g.setFill(Color.BLACK);
        for (int i = 0; i <= 4; i++) {
            double f = i / 4.0;
            double ty = Math.round(y + height * (1 - f)) + 0.5;
            g.strokeLine(x + width + 0.5, ty, x + width + 0.5 + TICK, ty);
            g.fillText(String.format("%.2f", min + f * (max - min)), x + width + TICK + 2, ty);
        }
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
}
