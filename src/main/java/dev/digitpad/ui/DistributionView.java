package dev.digitpad.ui;

import dev.digitpad.client.Prediction;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import javafx.beans.binding.Bindings;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.geometry.Pos;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/**
 * Ten bars, one per digit, with percentages; the top digit is highlighted, and shown large with its
 * confidence (or "Not sure", or "Draw a digit") by the labels bound to the view model. Hovering over a column shows
 * its exact probability ({@link Percent}); its context menu, like Edit &gt; Copy distribution, copies all ten.
 */
public final class DistributionView extends VBox {
    /** The bars' full height, when there is room for it; in a small window they shrink down to {@link #MIN_BAR}. */
    private static final double BAR_HEIGHT = 120;

    private static final double MIN_BAR = 36;

    private final List<DoubleProperty> heights = new ArrayList<>();
    private final List<Label> percents = new ArrayList<>();
    private final List<VBox> columns = new ArrayList<>();
    private final List<Tooltip> tips = new ArrayList<>();
    private IntConsumer onDigitClicked = d -> {};

    public DistributionView(PredictionViewModel vm) {
        getStyleClass().add("distribution");
        Label headline = new Label();
        headline.setId("headline");
        headline.getStyleClass().add("headline");
        headline.textProperty().bind(vm.headlineProperty());
        Label detail = new Label();
        detail.setId("detail");
        detail.getStyleClass().add("detail");
        detail.textProperty().bind(vm.detailProperty());
        VBox top = new VBox(headline, detail);
        top.setAlignment(Pos.CENTER);

        HBox chart = new HBox(4);
        chart.setAlignment(Pos.BOTTOM_CENTER);
        for (int d = 0; d < 10; d++) {
            Label percent = new Label("");
            percent.setId("percent-" + d);
            percent.getStyleClass().add("percent");
            Region bar = new Region();
            bar.setId("bar-" + d);
            bar.getStyleClass().add("bar");
            bar.setMinHeight(0);
            bar.setMaxHeight(Region.USE_PREF_SIZE);
            bar.setPrefWidth(26);
            StackPane slot = new StackPane(bar);
            slot.setAlignment(Pos.BOTTOM_CENTER);
            slot.setMinHeight(MIN_BAR);
            slot.setPrefHeight(BAR_HEIGHT);
            slot.getStyleClass().add("bar-slot");
            DoubleProperty height = new SimpleDoubleProperty(0); // the probability: the bar's share of its slot
            // Whole pixels, rounded: a probability of 1e-6 draws no bar (layout would round its height up to 1 px).
            bar.prefHeightProperty()
                    .bind(Bindings.createDoubleBinding(
                            () -> (double) Math.round(slot.getHeight() * height.get()), slot.heightProperty(), height));
            Label digit = new Label(Integer.toString(d));
            digit.getStyleClass().add("digit");
            VBox column = new VBox(2, percent, slot, digit);
            column.setAlignment(Pos.BOTTOM_CENTER);
            column.getStyleClass().add("column");
            HBox.setHgrow(column, Priority.ALWAYS);
            Tooltip tip = new Tooltip();
            tip.setShowDelay(Duration.millis(250));
            Tooltip.install(column, tip);
            tips.add(tip);
            heights.add(height);
            percents.add(percent);
            columns.add(column);
            int clicked = d;
            column.setOnMouseClicked(e -> {
                if (e.getButton() == MouseButton.PRIMARY) {
                    onDigitClicked.accept(clicked);
                }
            });
            chart.getChildren().add(column);
        }
        setSpacing(8);
        setAlignment(Pos.TOP_CENTER);
        getChildren().addAll(top, chart);
        MenuItem copy = new MenuItem("Copy distribution");
        copy.setOnAction(e -> copy(vm));
        copy.disableProperty().bind(vm.hasDistributionProperty().not());
        ContextMenu menu = new ContextMenu(copy);
        setOnContextMenuRequested(e -> menu.show(this, e.getScreenX(), e.getScreenY()));
        show(vm.resultProperty().get().prediction().orElse(null), vm);
        vm.resultProperty().addListener((o, a, r) -> show(r.prediction().orElse(null), vm));
        vm.thresholdProperty()
                .addListener(
                        (o, a, b) -> show(vm.resultProperty().get().prediction().orElse(null), vm));
    }

    private void show(Prediction p, PredictionViewModel vm) {
        int top = p == null ? -1 : p.digit();
        boolean sure = p != null && p.certainty(vm.thresholdProperty().get()).sure();
        for (int d = 0; d < 10; d++) {
            double prob = p == null ? 0 : p.probabilities()[d];
            heights.get(d).set(prob);
            percents.get(d).setText(p == null ? "" : String.format("%.0f%%", 100 * prob));
            tips.get(d).setText(d + ": " + (p == null ? "no answer yet" : Percent.of(prob)));
            mark(columns.get(d), d != top ? null : sure ? "top" : "unsure");
        }
    }

    /** What a click on a digit's column does (View &gt; Why shows that digit's map). */
    public void setOnDigitClicked(IntConsumer action) {
        onDigitClicked = action == null ? d -> {} : action;
    }

    /** Edit &gt; Copy distribution: puts the ten probabilities on the clipboard as text, if there is an answer. */
    static void copy(PredictionViewModel vm) {
        vm.distributionText().ifPresent(text -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(text);
            Clipboard.getSystemClipboard().setContent(content);
        });
    }

    /**
     * Gives a column the style class {@code mark} ("top", "unsure" or none), touching its classes only when that
     * changes: each change restyles the column, and most answers leave the top digit where it was.
     */
    private static void mark(VBox column, String mark) {
        var classes = column.getStyleClass();
        for (String other : List.of("top", "unsure")) {
            if (!other.equals(mark)) {
                classes.remove(other);
            }
        }
        if (mark != null && !classes.contains(mark)) {
            classes.add(mark);
        }
    }
}
