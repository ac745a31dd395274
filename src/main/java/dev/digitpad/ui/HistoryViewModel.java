package dev.digitpad.ui;

import dev.digitpad.client.Certainty;
import dev.digitpad.client.Prediction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyListProperty;
import javafx.beans.property.ReadOnlyListWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history: the last {@value #SIZE} drawings the model answered for, newest first, each with what the model saw
 * and what it said. Called on the UI thread; the contact sheet is written on the injected {@code worker}.
 *
 * <p>An entry is taken when an answer reaches the screen for the drawing on the pad, once the drawing is settled: not
 * for a half-drawn stroke (live prediction), and not for a drawing that has no answer (no ink, too small, a failed
 * call). One drawing has one entry: predicting it again (Enter, a retry, undo or redo back to it, putting it back from
 * the history) updates its entry in place with the answer, which another model may give differently. A stroke added
 * to the newest entry's drawing (the second stroke of a 4, the eraser) updates that entry and brings it along, so
 * that a digit drawn in several strokes is one entry, not one per stroke. Whether an entry is "not sure" follows the
 * window's threshold.
 */
public final class HistoryViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryViewModel.class);

    /** How many entries the history keeps; the oldest drop off. */
    public static final int SIZE = 20;

    /**
     * One answered drawing.
     *
     * @param drawing the drawing, as the pad held it
     * @param input the model's 28x28 input made from it (row-major), what the model's-eye view showed
     * @param probabilities the model's answer, one probability per digit
     * @param sure whether the answer reaches the window's threshold, by {@link Certainty}
     */
    public record Entry(Drawing drawing, float[] input, float[] probabilities, boolean sure) {
        public Entry {
            input = input.clone();
            probabilities = probabilities.clone();
        }

        /** The digit the model gave the most probability. */
        public int digit() {
            return Prediction.mostProbable(probabilities);
        }

        /** The probability of {@link #digit()}. */
        public float confidence() {
            return probabilities[digit()];
        }

        /** "7 · 98%": the digit and its probability, as a whole percentage as the window's guesses give it. */
        public String label() {
            return digit() + " · " + Certainty.percent(confidence());
        }

        /** {@link Headline#NOT_SURE} when the model is not sure, else empty. */
        public String verdict() {
            return sure ? "" : Headline.NOT_SURE;
        }

        @Override
        public float[] input() {
            return input.clone();
        }

        @Override
        public float[] probabilities() {
            return probabilities.clone();
        }

        Entry judgedAt(double threshold) {
            return new Entry(
                    drawing,
                    input,
                    probabilities,
                    Certainty.of(probabilities, threshold).sure());
        }
    }

    private final PadViewModel pad;
    private final PredictionViewModel prediction;
    private final Executor worker;
    private final Consumer<Problem> report;
    private final ReadOnlyListWrapper<Entry> entries =
            new ReadOnlyListWrapper<>(this, "entries", FXCollections.observableArrayList());
    private final ReadOnlyBooleanWrapper empty = new ReadOnlyBooleanWrapper(this, "empty", true);
    private final ReadOnlyObjectWrapper<Entry> onPad = new ReadOnlyObjectWrapper<>(this, "onPad");

    /**
     * @param worker where the contact sheet is written
     * @param report where a failure to write it goes, for the person to see
     */
    public HistoryViewModel(
            PadViewModel pad, PredictionViewModel prediction, Executor worker, Consumer<Problem> report) {
        this.pad = pad;
        this.prediction = prediction;
        this.worker = worker;
        this.report = report;
        prediction.resultProperty().addListener((o, a, r) -> take());
        pad.strokingProperty().addListener((o, a, b) -> take());
        pad.drawingProperty().addListener((o, a, b) -> updateOnPad());
        prediction.thresholdProperty().addListener((o, a, t) -> rejudge(t.doubleValue()));
        entries.addListener((javafx.collections.ListChangeListener<Entry>) c -> {
            empty.set(entries.isEmpty());
            updateOnPad();
        });
    }

    /** Takes the answer on screen into the history if it is for the settled drawing on the pad. */
    private void take() {
        PredictionResult shown = prediction.resultProperty().get();
        Drawing drawing = pad.drawingProperty().get();
        if (pad.strokingProperty().get()
                || shown.drawing() != drawing
                || shown.tensor().isEmpty()
                || shown.prediction().isEmpty()) {
            return;
        }
        Prediction answer = shown.prediction().get();
        Entry entry = new Entry(
                drawing,
                shown.tensor().get(),
                answer.probabilities(),
                answer.certainty(prediction.thresholdProperty().get()).sure());
        int same = indexOf(drawing);
        if (same >= 0) {
            if (!sameAnswer(entries.get(same), entry)) {
                entries.set(same, entry);
            }
            return;
        }
        if (!entries.isEmpty() && extends_(drawing, entries.getFirst().drawing())) {
            entries.set(0, entry);
            return;
        }
        entries.addFirst(entry);
        if (entries.size() > SIZE) {
            entries.remove(SIZE, entries.size());
        }
    }

    private int indexOf(Drawing drawing) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).drawing().equals(drawing)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean sameAnswer(Entry a, Entry b) {
        return a.sure() == b.sure()
                && java.util.Arrays.equals(a.probabilities, b.probabilities)
                && java.util.Arrays.equals(a.input, b.input);
    }

    /** Whether {@code later} is {@code earlier} with more strokes on it. */
    private static boolean extends_(Drawing later, Drawing earlier) {
        List<Stroke> more = later.strokes();
        List<Stroke> fewer = earlier.strokes();
        return later.background().equals(earlier.background())
                && more.size() > fewer.size()
                && more.subList(0, fewer.size()).equals(fewer);
    }

    private void rejudge(double threshold) {
        List<Entry> judged = new ArrayList<>(entries.size());
        boolean changed = false;
        for (Entry e : entries) {
            Entry now = e.judgedAt(threshold);
            changed |= now.sure() != e.sure();
            judged.add(now);
        }
        if (changed) {
            entries.setAll(judged);
        }
    }

    private void updateOnPad() {
        int i = indexOf(pad.drawingProperty().get());
        onPad.set(i < 0 ? null : entries.get(i));
    }

    /** Puts {@code entry}'s drawing back on the pad, as one undoable step; it is then predicted as usual. */
    public void restore(Entry entry) {
        pad.restore(entry.drawing());
    }

    /**
     * Writes the history as a PNG contact sheet (see {@link ContactSheet}) in the background; a failure is reported.
     * With an empty history, reports that there is nothing to export and writes nothing.
     */
    public void export(Path file) {
        List<Entry> now = List.copyOf(entries);
        if (now.isEmpty()) {
            report.accept(new Problem(
                    "Nothing to export",
                    "The history is empty: draw a digit (or open an image) and the model's answer is kept here."));
            return;
        }
        try {
            worker.execute(() -> {
                try {
                    ContactSheet.write(now, file);
                    LOG.info("Exported the history ({} entries) to {}", now.size(), file);
                } catch (IOException e) {
                    report.accept(new Problem(
                            "Cannot export the history",
                            "Writing " + file + " failed (" + reason(e)
                                    + "). Choose another folder or free some disk space."));
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("Shutting down; not exporting the history");
        }
    }

    private static String reason(IOException e) {
        return switch (e) {
            case java.nio.file.NoSuchFileException n -> "there is no such folder";
            case java.nio.file.AccessDeniedException d -> "permission denied";
            case java.nio.file.FileSystemException f when f.getReason() != null -> f.getReason();
            default -> e.getMessage();
        };
    }

    /** The entries, newest first; at most {@value #SIZE}. */
    public ReadOnlyListProperty<Entry> entriesProperty() {
        return entries.getReadOnlyProperty();
    }

    /** Whether there is nothing in the history (File &gt; Export history is then disabled). */
    public ReadOnlyBooleanProperty emptyProperty() {
        return empty.getReadOnlyProperty();
    }

    /** The entry whose drawing is on the pad now, or null. */
    public ReadOnlyObjectProperty<Entry> onPadProperty() {
        return onPad.getReadOnlyProperty();
    }

    /** The entry whose drawing is {@code drawing}, if any. */
    Optional<Entry> entryOf(Drawing drawing) {
        int i = indexOf(drawing);
        return i < 0 ? Optional.empty() : Optional.of(entries.get(i));
    }
}
