package dev.digitpad.ui;

import java.awt.image.BufferedImage;
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
        vm.drawingProperty().addListener((o, a, b) -> draw());
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
        double side = Math.floor(Math.min(
                getWidth() - snappedLeftInset() - snappedRightInset(),
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

    private void draw() {
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
        g.setLineCap(StrokeLineCap.ROUND);
        g.setLineJoin(StrokeLineJoin.ROUND);
        for (Stroke st : d.strokes()) {
            Color ink = st.eraser() ? Color.WHITE : Color.BLACK;
            double w = st.width() * s;
            if (st.points() == 1) {
                g.setFill(ink);
                g.fillOval(st.x(0) * s - w / 2, st.y(0) * s - w / 2, w, w);
                continue;
            }
            g.setStroke(ink);
            g.setLineWidth(w);
            g.beginPath();
            g.moveTo(st.x(0) * s, st.y(0) * s);
            for (int i = 1; i < st.points(); i++) {
                g.lineTo(st.x(i) * s, st.y(i) * s);
            }
            g.stroke();
        }
    }
}
