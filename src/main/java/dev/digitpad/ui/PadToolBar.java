package dev.digitpad.ui;

import static dev.digitpad.ui.Shortcuts.CLEAR;
import static dev.digitpad.ui.Shortcuts.ERASER;
import static dev.digitpad.ui.Shortcuts.OPEN;
import static dev.digitpad.ui.Shortcuts.PASTE;
import static dev.digitpad.ui.Shortcuts.PREDICT;
import static dev.digitpad.ui.Shortcuts.REDO;
import static dev.digitpad.ui.Shortcuts.UNDO;
import static dev.digitpad.ui.Shortcuts.tip;

import javafx.beans.binding.Bindings;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.control.Slider;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.shape.Circle;

/** The pad's tool bar: pen width (a slider, the number and a dot that size), eraser, undo, redo, clear, open, live prediction and Predict. */
public final class PadToolBar extends ToolBar {
    /** Room for the preview dot of the widest pen the slider gives (48 units, drawn at half: 24 px). */
    private static final double PREVIEW_SIDE = 26;

    /** @param openFile what Open… does (the file chooser is the menus') */
    public PadToolBar(PadViewModel pad, Runnable openFile) {
        Label penLabel = new Label("Pen");
        Slider pen = new Slider(6, 48, pad.penWidthProperty().get());
        pen.setId("pen-width");
        pen.valueProperty().bindBidirectional(pad.penWidthProperty());
        pen.setPrefWidth(120);
        pen.setTooltip(new Tooltip("Pen width"));
        // The width as a number, and a dot half as many pixels across (the widest pen, 48, fits the tool bar).
        Label penValue = new Label();
        penValue.setId("pen-width-value");
        penValue.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> Long.toString(Math.round(pad.penWidthProperty().get())), pad.penWidthProperty()));
        penValue.setMinWidth(Region.USE_PREF_SIZE);
        penValue.setPrefWidth(22);
        Circle dot = new Circle();
        dot.setId("pen-preview");
        dot.getStyleClass().add("pen-preview");
        dot.radiusProperty().bind(pad.penWidthProperty().divide(4));
        StackPane preview = new StackPane(dot);
        preview.setMinSize(PREVIEW_SIDE, PREVIEW_SIDE);
        preview.setPrefSize(PREVIEW_SIDE, PREVIEW_SIDE);
        preview.setMaxSize(PREVIEW_SIDE, PREVIEW_SIDE);
        Tooltip.install(preview, new Tooltip("The pen's width"));
        ToggleButton eraser = new ToggleButton("Eraser");
        eraser.setId("eraser");
        eraser.selectedProperty().bindBidirectional(pad.eraserProperty());
        eraser.setTooltip(new Tooltip(tip("Erase with the pen", ERASER)));
        Button undo = button("Undo", "undo", tip("Undo the last stroke", UNDO), pad::undo);
        undo.disableProperty().bind(pad.canUndoProperty().not());
        Button redo = button("Redo", "redo", tip("Redo", REDO), pad::redo);
        redo.disableProperty().bind(pad.canRedoProperty().not());
        Button clear = button("Clear", "clear", tip("Clear the pad", CLEAR), pad::clear);
        Button open = button(
                "Open…",
                "open",
                tip("Open an image file", OPEN) + "; you can also drop or paste ("
                        + Shortcuts.of(PASTE).keysText(" or ") + ") one",
                openFile);
        CheckBox live = new CheckBox("Live");
        live.setId("live");
        live.selectedProperty().bindBidirectional(pad.liveProperty());
        live.setTooltip(new Tooltip("Predict while drawing; when off, press "
                + Shortcuts.of(PREDICT).keysText(" or ") + " or Predict"));
        Button predict = button("Predict", "predict", tip("Predict the drawing", PREDICT), pad::predictNow);
        getItems()
                .addAll(
                        penLabel,
                        pen,
                        penValue,
                        preview,
                        eraser,
                        new Separator(),
                        undo,
                        redo,
                        clear,
                        new Separator(),
                        open,
                        new Separator(),
                        live,
                        predict);
        setFocusTraversable(false);
    }

    private static Button button(String text, String id, String tip, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setTooltip(new Tooltip(tip));
        b.setOnAction(e -> action.run());
        b.setFocusTraversable(false);
        return b;
    }
}
