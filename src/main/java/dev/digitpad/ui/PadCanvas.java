package dev.digitpad.ui;

import java.awt.image.BufferedImage;
import java.util.List;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Cursor;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.Image;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.shape.StrokeLineCap;
import javafx.scene.shape.StrokeLineJoin;

/**
 * The drawing pad on screen: a white square, as large as fits, showing the view model's drawing scaled from pad
 * units. Mouse, pen and touch (which JavaFX turns into mouse events) draw strokes.
 */
public final class PadCanvas extends Region {
    private final PadViewModel vm;
    private final Canvas canvas = new Canvas();
    private BufferedImage shownBackground;
    private Image background;

    public PadCanvas(PadViewModel vm) {
        this.vm = vm;
        setId("pad");
        getStyleClass().add("pad");
        canvas.setId("pad-canvas");
        canvas.setCursor(Cursor.CROSSHAIR);
        getChildren().add(canvas);
        setMinSize(200, 200);
        setPrefSize(480, 480);
        vm.drawingProperty().addListener((o, before, after) -> {
            if (!drawAddition(before, after)) {
                draw();
            }
        });
        canvas.addEventHandler(MouseEvent.MOUSE_PRESSED, e -> {
            if (e.getButton() == MouseButton.PRIMARY) {
                vm.beginStroke(toPad(e.getX()), toPad(e.getY()));
                e.consume();
            }
        });
        canvas.addEventHandler(MouseEvent.MOUSE_DRAGGED, e -> {
            if (e.isPrimaryButtonDown()) {
                vm.extendStroke(toPad(e.getX()), toPad(e.getY()));
                e.consume();
            }
        });
        canvas.addEventHandler(MouseEvent.MOUSE_RELEASED, e -> {
            if (e.getButton() == MouseButton.PRIMARY) {
                vm.endStroke();
                e.consume();
            }
        });
    }

    private double scale() {
        return canvas.getWidth() / Drawing.SIDE;
    }

    private double toPad(double screen) {
        return Math.clamp(screen / scale(), -Drawing.SIDE, 2.0 * Drawing.SIDE);
    }

    @Override
    protected void layoutChildren() {
        double side = Math.floor(Math.min(getWidth() - snappedLeftInset() - snappedRightInset(),
                getHeight() - snappedTopInset() - snappedBottomInset()));
        side = Math.max(side, 10);
        canvas.setLayoutX(Math.floor((getWidth() - side) / 2));
        canvas.setLayoutY(Math.floor((getHeight() - side) / 2));
        if (canvas.getWidth() != side) {
            canvas.setWidth(side);
            canvas.setHeight(side);
            draw();
        }
    }

    /**
     * Draws only what {@code after} adds to {@code before} when it merely extends it, a stroke begun or a stroke
     * continued, since the canvas keeps what it has drawn; false when the pad must be redrawn whole. While a stroke
     * is drawn this keeps the work per frame to one short segment, however long the drawing is.
     */
    private boolean drawAddition(Drawing before, Drawing after) {
        if (before == null || !before.background().equals(after.background())) {
            return false;
        }
        List<Stroke> a = before.strokes();
        List<Stroke> b = after.strokes();
        int n = a.size();
        if (b.size() == n + 1 && samePrefix(a, b, n)) {
            drawStroke(canvas.getGraphicsContext2D(), b.get(n), 0);
            return true;
        }
        if (b.size() == n && n > 0 && samePrefix(a, b, n - 1)) {
            Stroke was = a.get(n - 1);
            Stroke now = b.get(n - 1);
            int last = was.points() - 1;
            if (now.points() > was.points() && now.width() == was.width() && now.eraser() == was.eraser()
                    && now.x(last) == was.x(last) && now.y(last) == was.y(last)) {
                drawStroke(canvas.getGraphicsContext2D(), now, last);
                return true;
            }
        }
        return false;
    }

    private static boolean samePrefix(List<Stroke> a, List<Stroke> b, int count) {
        for (int i = 0; i < count; i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** Redraws the whole pad. */
    void draw() {
        Drawing d = vm.drawingProperty().get();
        GraphicsContext g = canvas.getGraphicsContext2D();
        double s = scale();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
        d.background().ifPresent(b -> {
            if (b != shownBackground) {
                shownBackground = b;
                background = SwingFXUtils.toFXImage(b, null);
            }
            double[] fit = Drawing.fit(b.getWidth(), b.getHeight());
            g.setImageSmoothing(true);
            g.drawImage(background, fit[0] * s, fit[1] * s, fit[2] * s, fit[3] * s);
        });
        for (Stroke st : d.strokes()) {
            drawStroke(g, st, 0);
        }
    }

    /** Draws {@code st} from its point {@code from} on: a round dot for a one-point stroke, else a round-capped path. */
    private void drawStroke(GraphicsContext g, Stroke st, int from) {
        double s = scale();
        Color ink = st.eraser() ? Color.WHITE : Color.BLACK;
        double w = st.width() * s;
        if (st.points() == 1) {
            g.setFill(ink);
            g.fillOval(st.x(0) * s - w / 2, st.y(0) * s - w / 2, w, w);
            return;
        }
        g.setLineCap(StrokeLineCap.ROUND);
        g.setLineJoin(StrokeLineJoin.ROUND);
        g.setStroke(ink);
        g.setLineWidth(w);
        g.beginPath();
        g.moveTo(st.x(from) * s, st.y(from) * s);
        for (int i = from + 1; i < st.points(); i++) {
            g.lineTo(st.x(i) * s, st.y(i) * s);
        }
        g.stroke();
    }
}
