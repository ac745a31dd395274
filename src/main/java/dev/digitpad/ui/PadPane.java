package dev.digitpad.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** The window's left side: the drawing pad, as large as fits, with a hint under it. */
public final class PadPane extends VBox {
    public PadPane(PadViewModel pad) {
        super(6);
        PadCanvas canvas = new PadCanvas(pad);
        HBox.setHgrow(canvas, Priority.ALWAYS);
        VBox.setVgrow(canvas, Priority.ALWAYS);
        Label hint = new Label("Draw a digit with the mouse, pen or finger; drop or paste an image.");
        hint.getStyleClass().add("hint");
        getChildren().addAll(canvas, hint);
        setPadding(new Insets(8));
        setAlignment(Pos.CENTER);
    }
}
