package dev.digitpad.ui;

import dev.digitpad.contract.ModelContract;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.OverrunStyle;
import javafx.scene.control.Slider;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** The Prediction tab: the model's-eye view of the input, the distribution with its headline, and the threshold. */
public final class PredictionPane extends VBox {
    private final ImshowView imshow = new ImshowView();
    private final DistributionView distribution;
    private final Label whyStatus = new Label();

    public PredictionPane(PredictionViewModel prediction) {
        super(8);
        imshow.setId("imshow");
        imshow.colorbarProperty().bind(prediction.colorbarProperty());
        prediction.resultProperty().addListener((o, a, r) -> {
            imshow.overlayProperty().set(null); // a map is of one input: never drawn over another
            imshow.dataProperty().set(r.tensor().orElse(null));
        });
        Label eyeTitle = new Label("What the model sees (" + ModelContract.SIDE + "×" + ModelContract.SIDE + " input)");
        eyeTitle.getStyleClass().add("section");
        distribution = new DistributionView(prediction);
        distribution.setId("distribution");
        Slider threshold = new Slider(0, 1, prediction.thresholdProperty().get());
        threshold.setId("threshold");
        threshold.valueProperty().bindBidirectional(prediction.thresholdProperty());
        Label thresholdText = new Label();
        thresholdText.setId("threshold-text");
        thresholdText
                .textProperty()
                .bind(Bindings.format(
                        "\"Not sure\" below %.0f%%",
                        prediction.thresholdProperty().multiply(100)));
        HBox thresholdRow = new HBox(6, thresholdText, threshold);
        thresholdRow.setAlignment(Pos.CENTER_LEFT);
        whyStatus.setId("why-status");
        // One line, always there while Why is on: a line that came and went, or wrapped, would move the view at
        // every answer, and laying it out again would delay the frame that shows the answer.
        whyStatus.setWrapText(false);
        whyStatus.setTextOverrun(OverrunStyle.ELLIPSIS);
        whyStatus.setVisible(false);
        whyStatus.managedProperty().bind(whyStatus.visibleProperty());
        getChildren().addAll(eyeTitle, imshow, whyStatus, distribution, thresholdRow);
        setPadding(new Insets(8));
        // The model's-eye view takes the height the rest leaves: it asks for no more than its minimum and grows into
        // any room, so in a small window the bars shrink (down to their own minimum) before the view does.
        imshow.setPrefHeight(imshow.getMinHeight());
        VBox.setVgrow(imshow, Priority.ALWAYS);
    }

    /**
     * Shows View &gt; Why's map over the model's-eye view, with what it says under the view, and makes a click on a
     * digit of the distribution show that digit's map.
     */
    public void showWhy(WhyViewModel why) {
        why.shownProperty()
                .addListener((o, a, s) -> imshow.overlayProperty()
                        .set(s != null && s.tensor() == imshow.dataProperty().get() ? s.map() : null));
        whyStatus
                .textProperty()
                .bind(Bindings.when(why.statusProperty().isEmpty()).then(" ").otherwise(why.statusProperty()));
        whyStatus.visibleProperty().bind(why.enabledProperty());
        whyStatus.setTooltip(new Tooltip());
        whyStatus.getTooltip().textProperty().bind(why.statusProperty());
        distribution.setOnDigitClicked(why::choose);
    }

    /** The model's-eye view, which File &gt; Export saves. */
    public ImshowView imshow() {
        return imshow;
    }
}
