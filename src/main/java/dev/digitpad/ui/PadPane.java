package dev.digitpad.ui;

import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.text.TextAlignment;

/**
 * The window's left side: the drawing pad, as large as fits, with a hint under it, which warns when the strokes are
 * thick for the drawing.
 */
public final class PadPane extends VBox {
    static final String USUAL = "Draw a digit with the mouse, pen or finger; drop or paste an image.";
    static final String THICK =
            "The strokes are thick for a digit this small: the model will see a blob. Draw it larger, or make the pen"
                    + " thinner.";

    public PadPane(PadViewModel pad) {
        super(6);
        PadCanvas canvas = new PadCanvas(pad);
        HBox.setHgrow(canvas, Priority.ALWAYS);
        VBox.setVgrow(canvas, Priority.ALWAYS);
        Label hint = new Label();
        hint.setId("pad-hint");
        hint.getStyleClass().add("hint");
        // As wide as the pane, wrapped, and never wider: the longer warning must not push the pane wider.
        hint.setWrapText(true);
        hint.setMinWidth(0);
        hint.setPrefWidth(0);
        hint.setMaxWidth(Double.MAX_VALUE);
        // Wrapped, not cut to one line when the pane is short (a small window, with the history under it).
        hint.setMinHeight(Region.USE_PREF_SIZE);
        hint.setAlignment(Pos.CENTER);
        hint.setTextAlignment(TextAlignment.CENTER);
        // A quiet warning in the same place when the strokes are too thick for the drawing's size.
        hint.textProperty()
                .bind(Bindings.when(pad.thickPenProperty()).then(THICK).otherwise(USUAL));
        pad.thickPenProperty().addListener((o, a, thick) -> {
            if (thick) {
                hint.getStyleClass().add("warning");
            } else {
                hint.getStyleClass().remove("warning");
            }
        });
        getChildren().addAll(canvas, hint);
        setPadding(new Insets(8));
        setAlignment(Pos.CENTER);
    }
}
