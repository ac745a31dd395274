package dev.digitpad.ui;

import static dev.digitpad.ui.Shortcuts.OPEN;
import static dev.digitpad.ui.Shortcuts.PASTE;
import static dev.digitpad.ui.Shortcuts.REDO;
import static dev.digitpad.ui.Shortcuts.REDO_Y;
import static dev.digitpad.ui.Shortcuts.UNDO;

import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.control.Slider;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;

/** The pad's tool bar: pen width, eraser, undo, redo, clear, open, live prediction and Predict. */
public final class PadToolBar extends ToolBar {
    /** @param openFile what Open… does (the file chooser is the menus') */
    public PadToolBar(PadViewModel pad, Runnable openFile) {
        Label penLabel = new Label("Pen");
        Slider pen = new Slider(6, 48, pad.penWidthProperty().get());
        pen.setId("pen-width");
        pen.valueProperty().bindBidirectional(pad.penWidthProperty());
        pen.setPrefWidth(120);
        pen.setTooltip(new Tooltip("Pen width"));
        ToggleButton eraser = new ToggleButton("Eraser");
        eraser.setId("eraser");
        eraser.selectedProperty().bindBidirectional(pad.eraserProperty());
        eraser.setTooltip(new Tooltip("Erase with the pen (E)"));
        Button undo = button("Undo", "undo", "Undo the last stroke (" + UNDO.getDisplayText() + ")", pad::undo);
        undo.disableProperty().bind(pad.canUndoProperty().not());
        Button redo = button(
                "Redo", "redo", "Redo (" + REDO.getDisplayText() + " or " + REDO_Y.getDisplayText() + ")", pad::redo);
        redo.disableProperty().bind(pad.canRedoProperty().not());
        Button clear = button("Clear", "clear", "Clear the pad (Delete or Backspace)", pad::clear);
        Button open = button(
                "Open…",
                "open",
                "Open an image file (" + OPEN.getDisplayText() + "); you can also drop or paste ("
                        + PASTE.getDisplayText() + ") one",
                openFile);
        CheckBox live = new CheckBox("Live");
        live.setId("live");
        live.selectedProperty().bindBidirectional(pad.liveProperty());
        live.setTooltip(new Tooltip("Predict while drawing; when off, press Enter or Predict"));
        Button predict = button("Predict", "predict", "Predict the drawing (Enter)", pad::predictNow);
        getItems()
                .addAll(
                        penLabel,
                        pen,
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
