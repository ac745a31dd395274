package dev.digitpad.ui;

import dev.digitpad.client.Certainty;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javafx.animation.PauseTransition;
import javafx.collections.ListChangeListener;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.text.TextAlignment;

/**
 * The history under the pad: one button per entry, newest on the left, each showing what the model saw (the 28x28
 * input, grey and crisp as in the model's-eye view, at {@value #SCALE}x), the digit and its probability, and "Not
 * sure" when the model was not. Clicking one (or Space on it) puts its drawing back on the pad. The entry of the
 * drawing on the pad is marked. It scrolls sideways when the entries do not fit.
 */
public final class HistoryStrip extends StackPane {
    /** Screen pixels per input pixel. */
    static final int SCALE = 2;

    static final String EMPTY_TEXT =
            "Your last " + HistoryViewModel.SIZE + " predictions appear here; click one to put it back on the pad.";
    private static final String ON_PAD = "on-pad";
    /**
     * The strip's height: an entry (its thumbnail, two lines of text, the button's padding), the row's padding and a
     * scroll bar.
     */
    static final double HEIGHT = ImshowView.SIDE * SCALE + 36 + 14 + 8 + 16;

    private final HistoryViewModel vm;
    private final HBox row = new HBox(6);
    private final ScrollPane scroll = new ScrollPane(row);
    /** How long after a change to the entries the strip shows it. */
    static final javafx.util.Duration DELAY = javafx.util.Duration.millis(100);

    private final PauseTransition rebuildLater = new PauseTransition(DELAY);
    /** The button of each entry shown. */
    private final Map<HistoryViewModel.Entry, Button> buttons = new IdentityHashMap<>();

    public HistoryStrip(HistoryViewModel vm) {
        this.vm = vm;
        setId("history");
        getStyleClass().add("history");
        row.setPadding(new Insets(4));
        row.setAlignment(Pos.CENTER_LEFT);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.AS_NEEDED);
        scroll.setVbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        scroll.setFitToHeight(true);
        scroll.setPannable(false);
        Label empty = new Label(EMPTY_TEXT);
        empty.setId("history-empty");
        empty.getStyleClass().add("hint");
        empty.setWrapText(true);
        empty.setTextAlignment(TextAlignment.CENTER);
        empty.setAlignment(Pos.CENTER);
        empty.setMinWidth(0);
        empty.setPrefWidth(0);
        empty.setMaxWidth(Double.MAX_VALUE);
        empty.visibleProperty().bind(vm.emptyProperty());
        scroll.visibleProperty().bind(vm.emptyProperty().not());
        getChildren().addAll(scroll, empty);
        // As tall as an entry and its scroll bar, so that the pad above does not jump when the first entry comes.
        setMinHeight(USE_PREF_SIZE);
        setPrefHeight(HEIGHT);
        setPadding(new Insets(0, 8, 4, 8));
        // An entry comes with an answer: the strip changes a little later, so that its new button's styling and
        // layout do not hold up the frame that shows the distribution.
        rebuildLater.setOnFinished(e -> rebuild());
        vm.entriesProperty()
                .addListener((ListChangeListener<HistoryViewModel.Entry>) c -> rebuildLater.playFromStart());
        vm.onPadProperty().addListener((o, a, b) -> mark());
        rebuild();
    }

    /**
     * Lays the buttons out again after a change to the entries. A button is made once per entry and kept while the
     * entry is: an answer changes one entry (or adds one), so one thumbnail is made per answer, not twenty.
     */
    private void rebuild() {
        javafx.collections.ObservableList<Node> shown = row.getChildren();
        Node focused = shown.stream().filter(Node::isFocused).findFirst().orElse(null);
        int focusedAt = shown.indexOf(focused);
        List<HistoryViewModel.Entry> entries = vm.entriesProperty();
        boolean grew = shown.size() < entries.size();
        Map<HistoryViewModel.Entry, Button> kept = new IdentityHashMap<>();
        List<Button> buttons = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            HistoryViewModel.Entry entry = entries.get(i);
            Button b = this.buttons.get(entry);
            if (b == null) {
                b = button(entry);
            }
            b.setId("history-" + i);
            kept.put(entry, b);
            buttons.add(b);
        }
        this.buttons.clear();
        this.buttons.putAll(kept);
        shown.setAll(buttons);
        mark();
        // Keyboard users keep their place: the focused entry, or the one now where it was.
        if (focused != null && !buttons.isEmpty()) {
            Node next = buttons.contains(focused) ? focused : buttons.get(Math.min(focusedAt, buttons.size() - 1));
            next.requestFocus();
        }
        if (grew) {
            scroll.setHvalue(scroll.getHmin());
        }
    }

    private Button button(HistoryViewModel.Entry entry) {
        ImageView thumbnail = new ImageView(SwingFXUtils.toFXImage(ContactSheet.thumbnail(entry.input(), SCALE), null));
        thumbnail.setSmooth(false);
        String verdict = entry.verdict();
        Button b = new Button(entry.label() + "\n" + verdict, thumbnail);
        b.getStyleClass().add("history-entry");
        b.setContentDisplay(ContentDisplay.TOP);
        b.setTextAlignment(TextAlignment.CENTER);
        b.setAlignment(Pos.TOP_CENTER);
        b.setMaxHeight(Double.MAX_VALUE);
        b.setMinWidth(USE_PREF_SIZE);
        String detail = entry.sure()
                ? Certainty.percent(entry.confidence()) + " sure"
                : Headline.NOT_SURE + ": "
                        + Certainty.of(entry.probabilities(), 1).notSureReason();
        b.setTooltip(new Tooltip(entry.digit() + ", " + detail + ". Click to put this drawing back on the pad."));
        b.setAccessibleText("Earlier drawing, read as " + entry.label() + (entry.sure() ? "" : ", not sure"));
        b.setOnAction(e -> vm.restore(entry));
        return b;
    }

    private void mark() {
        HistoryViewModel.Entry onPad = vm.onPadProperty().get();
        List<HistoryViewModel.Entry> entries = vm.entriesProperty();
        List<Node> buttons = row.getChildren();
        for (int i = 0; i < buttons.size() && i < entries.size(); i++) {
            buttons.get(i).getStyleClass().remove(ON_PAD);
            if (entries.get(i) == onPad) {
                buttons.get(i).getStyleClass().add(ON_PAD);
            }
        }
    }
}
