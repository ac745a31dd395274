package dev.digitpad.ui;

import java.awt.image.BufferedImage;
import java.util.ArrayDeque;
import java.util.Deque;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;

/**
 * The drawing pad and its tool bar: strokes as data, with undo and redo per stroke, the pen and the eraser. It tells
 * the {@link PredictionScheduler} of every change to the drawing; the scheduler decides when to predict. Called on
 * the UI thread.
 */
public final class PadViewModel {
    private final PredictionScheduler predictions;

    private final ReadOnlyObjectWrapper<Drawing> drawing = new ReadOnlyObjectWrapper<>(this, "drawing", Drawing.EMPTY);
    private final Deque<Drawing> undo = new ArrayDeque<>();
    private final Deque<Drawing> redo = new ArrayDeque<>();
    private final ReadOnlyBooleanWrapper canUndo = new ReadOnlyBooleanWrapper(this, "canUndo");
    private final ReadOnlyBooleanWrapper canRedo = new ReadOnlyBooleanWrapper(this, "canRedo");
    private final DoubleProperty penWidth = new SimpleDoubleProperty(this, "penWidth", 22);
    private final BooleanProperty eraser = new SimpleBooleanProperty(this, "eraser");
    private final ReadOnlyBooleanWrapper thickPen = new ReadOnlyBooleanWrapper(this, "thickPen");
    private final ReadOnlyBooleanWrapper stroking = new ReadOnlyBooleanWrapper(this, "stroking");

    private Stroke current;
    private Drawing beforeStroke;

    public PadViewModel(PredictionScheduler predictions) {
        this.predictions = predictions;
    }

    // ----- drawing -----

    public void beginStroke(double x, double y) {
        beforeStroke = drawing.get();
        current = new Stroke(new double[] {x, y}, penWidth.get(), eraser.get());
        drawing.set(beforeStroke.with(current));
        stroking.set(true);
        predictions.strokeStarted(drawing.get());
    }

    public void extendStroke(double x, double y) {
        if (current == null) {
            return;
        }
        current = current.plus(x, y);
        drawing.set(beforeStroke.with(current));
        predictions.strokeMoved(drawing.get());
    }

    public void endStroke() {
        if (current == null) {
            return;
        }
        record(beforeStroke);
        current = null;
        beforeStroke = null;
        thickPen.set(drawing.get().thickForItsSize());
        stroking.set(false);
        predictions.strokeEnded(drawing.get());
    }

    public void undo() {
        if (current != null || undo.isEmpty()) {
            return;
        }
        redo.push(drawing.get());
        drawing.set(undo.pop());
        changed();
    }

    public void redo() {
        if (current != null || redo.isEmpty()) {
            return;
        }
        undo.push(drawing.get());
        drawing.set(redo.pop());
        changed();
    }

    public void clear() {
        if (current != null || drawing.get().isBlank()) {
            return;
        }
        Drawing before = drawing.get();
        drawing.set(Drawing.EMPTY);
        record(before);
        changed();
    }

    /** Shows an image on the pad (replacing the drawing, undoably) and predicts it. */
    public void load(BufferedImage image) {
        Drawing before = drawing.get();
        drawing.set(Drawing.of(image));
        record(before);
        thickPen.set(false);
        predictions.replaced(drawing.get());
    }

    /**
     * Puts {@code earlier} (a drawing from the history) back on the pad, replacing the drawing, as one undoable step,
     * and predicts it. Nothing happens while a stroke is drawn, or if the pad already holds that drawing.
     */
    public void restore(Drawing earlier) {
        if (current != null || earlier.equals(drawing.get())) {
            return;
        }
        Drawing before = drawing.get();
        drawing.set(earlier);
        record(before);
        changed();
    }

    /** Predicts the drawing now (Enter, the Predict button); with live prediction this happens by itself. */
    public void predictNow() {
        predictions.predictNow();
    }

    private void record(Drawing before) {
        undo.push(before);
        redo.clear();
        canUndo.set(true);
        canRedo.set(false);
    }

    private void changed() {
        canUndo.set(!undo.isEmpty());
        canRedo.set(!redo.isEmpty());
        thickPen.set(drawing.get().thickForItsSize());
        predictions.replaced(drawing.get());
    }

    // ----- properties -----

    public ReadOnlyObjectProperty<Drawing> drawingProperty() {
        return drawing.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty canUndoProperty() {
        return canUndo.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty canRedoProperty() {
        return canRedo.getReadOnlyProperty();
    }

    public DoubleProperty penWidthProperty() {
        return penWidth;
    }

    public BooleanProperty eraserProperty() {
        return eraser;
    }

    /**
     * Whether the strokes are thick for the drawing's size, so that the model would see a blob (see
     * {@link Drawing#THICK_PEN_RATIO}). Updated when a stroke ends, not while it is drawn: every stroke starts small.
     */
    public ReadOnlyBooleanProperty thickPenProperty() {
        return thickPen.getReadOnlyProperty();
    }

    /** Whether a stroke is being drawn: the drawing is then half-drawn, until the stroke ends. */
    public ReadOnlyBooleanProperty strokingProperty() {
        return stroking.getReadOnlyProperty();
    }

    /** The scheduler's live prediction, as the tool bar and the menu switch it. */
    public BooleanProperty liveProperty() {
        return predictions.liveProperty();
    }
}
