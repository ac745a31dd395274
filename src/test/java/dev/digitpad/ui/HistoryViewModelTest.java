package dev.digitpad.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.client.Prediction;
import dev.digitpad.client.PredictionException;
import dev.digitpad.testing.DigitSketches;
import dev.digitpad.testing.Distributions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history's view model without the FX thread: which answers it keeps (settled drawings, once each, newest first,
 * twenty), putting a drawing back, and the contact sheet's file. Work runs at once (direct executors), so a stroke's
 * live predictions are answered while it is drawn, as a fast server answers them.
 */
class HistoryViewModelTest {
    @TempDir
    Path dir;

    private float[] answer = Distributions.probabilities(7, 0.9f);
    private boolean failing;
    private final List<float[]> sent = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();

    private final PredictionScheduler scheduler = new PredictionScheduler(Runnable::run, Runnable::run);
    private final PadViewModel pad = new PadViewModel(scheduler);
    private final PredictionViewModel prediction = new PredictionViewModel(scheduler);
    private final HistoryViewModel history = new HistoryViewModel(pad, prediction, Runnable::run, problems::add);

    HistoryViewModelTest() {
        scheduler.setPredictor(this::predict, "");
    }

    private Prediction predict(float[] pixels) {
        if (failing) {
            throw new PredictionException(io.grpc.Status.Code.UNAVAILABLE, "The server is down.");
        }
        sent.add(pixels);
        return new Prediction(answer.clone(), false, "mnist", 1, Duration.ofMillis(3));
    }

    private List<HistoryViewModel.Entry> entries() {
        return history.entriesProperty();
    }

    /** A stroke through the points (pad units), with the pen moving between them. */
    private void stroke(double... xy) {
        pad.beginStroke(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            pad.extendStroke(xy[i], xy[i + 1]);
        }
        pad.endStroke();
    }

    private void seven() {
        stroke(60, 50, 220, 50, 130, 250);
    }

    private void one() {
        stroke(140, 30, 140, 250);
    }

    @Test
    void startsEmpty() {
        assertThat(entries()).isEmpty();
        assertThat(history.emptyProperty().get()).isTrue();
        assertThat(history.onPadProperty().get()).isNull();
    }

    @Test
    void anAnsweredDrawingIsKeptWithWhatTheModelSawAndSaid() {
        seven();

        assertThat(entries()).hasSize(1);
        HistoryViewModel.Entry entry = entries().getFirst();
        assertThat(entry.drawing()).isSameAs(pad.drawingProperty().get());
        assertThat(entry.input())
                .as("the model's input, as the model's-eye view shows it")
                .isEqualTo(prediction.resultProperty().get().tensor().orElseThrow())
                .isEqualTo(sent.getLast());
        assertThat(entry.digit()).isEqualTo(7);
        assertThat(entry.confidence()).isEqualTo(0.9f);
        assertThat(entry.label()).isEqualTo("7 · 90%");
        assertThat(entry.sure()).isTrue();
        assertThat(entry.verdict()).isEmpty();
        assertThat(history.emptyProperty().get()).isFalse();
        assertThat(history.onPadProperty().get()).isSameAs(entry);
    }

    @Test
    void aHalfDrawnStrokeIsNotKeptThoughItWasAnswered() {
        pad.beginStroke(60, 50);
        pad.extendStroke(220, 50);
        assertThat(prediction.resultProperty().get().prediction())
                .as("live prediction answered the half-drawn stroke")
                .isPresent();
        assertThat(entries()).isEmpty();
        pad.extendStroke(130, 250);
        pad.endStroke();

        assertThat(entries())
                .extracting(HistoryViewModel.Entry::drawing)
                .containsExactly(pad.drawingProperty().get());
    }

    @Test
    void aStrokeAnsweredBeforeThePenLiftsIsKeptWhenItLifts() {
        pad.beginStroke(60, 50);
        pad.extendStroke(220, 200); // answered at once; the pen then lifts without moving
        int calls = sent.size();
        pad.endStroke();

        assertThat(sent).as("the stroke end reuses the live answer").hasSize(calls);
        assertThat(entries())
                .extracting(HistoryViewModel.Entry::drawing)
                .containsExactly(pad.drawingProperty().get());
    }

    @Test
    void theSameDrawingPredictedAgainIsNotKeptTwice() {
        seven();
        HistoryViewModel.Entry first = entries().getFirst();
        int calls = sent.size();

        pad.predictNow(); // Enter
        pad.liveProperty().set(false);
        pad.liveProperty().set(true);
        scheduler.predictNow(); // a retry

        assertThat(sent.size()).as("predicted again").isGreaterThan(calls);
        assertThat(entries()).containsExactly(first);
    }

    @Test
    void aNewAnswerForTheSameDrawingUpdatesItsEntryInPlace() {
        seven();
        pad.clear();
        one();
        answer = Distributions.probabilities(1, 0.4f);

        pad.undo(); // back to the empty pad
        pad.undo(); // back to the 7, which the model now reads otherwise

        assertThat(entries()).hasSize(2);
        assertThat(entries().get(1).drawing()).isSameAs(pad.drawingProperty().get());
        assertThat(entries().get(1).label()).isEqualTo("1 · 40%");
    }

    @Test
    void moreStrokesOnTheNewestDrawingUpdateItsEntry() {
        stroke(200, 30, 60, 180, 240, 180); // the first stroke of a 4
        answer = Distributions.probabilities(4, 0.95f);
        stroke(190, 90, 190, 260); // its second

        assertThat(entries()).hasSize(1);
        assertThat(entries().getFirst().drawing().strokes()).hasSize(2);
        assertThat(entries().getFirst().label()).isEqualTo("4 · 95%");
    }

    @Test
    void newestFirstAndNoMoreThanTwenty() {
        List<Drawing> drawn = new ArrayList<>();
        for (int i = 0; i < HistoryViewModel.SIZE + 3; i++) {
            answer = Distributions.probabilities(i % 10, 0.9f);
            stroke(20 + 10 * i, 30, 20 + 10 * i, 250);
            drawn.add(pad.drawingProperty().get());
            pad.clear();
        }

        assertThat(entries()).hasSize(HistoryViewModel.SIZE);
        assertThat(entries())
                .extracting(HistoryViewModel.Entry::drawing)
                .containsExactlyElementsOf(drawn.reversed().subList(0, HistoryViewModel.SIZE));
        assertThat(entries().getFirst().digit()).isEqualTo((HistoryViewModel.SIZE + 2) % 10);
    }

    @Test
    void noAnswerNoEntry() {
        pad.beginStroke(140, 140); // a dot: too small, nothing is sent
        pad.endStroke();
        pad.clear();
        failing = true;
        seven();

        assertThat(prediction.resultProperty().get().tensor()).isPresent();
        assertThat(entries()).isEmpty();
    }

    @Test
    void restoringPutsTheDrawingBackAndPredictsIt() {
        seven();
        HistoryViewModel.Entry seven = entries().getFirst();
        pad.clear();
        answer = Distributions.probabilities(1, 0.9f);
        one();
        answer = Distributions.probabilities(7, 0.9f);
        int calls = sent.size();

        history.restore(seven);

        assertThat(pad.drawingProperty().get()).isSameAs(seven.drawing());
        assertThat(sent).hasSize(calls + 1);
        assertThat(prediction.resultProperty().get().drawing()).isSameAs(seven.drawing());
        assertThat(prediction.headlineProperty().get()).isEqualTo("7");
        assertThat(entries()).as("no entry for the drawing put back").hasSize(2);
        assertThat(entries().get(1)).isSameAs(seven);
        assertThat(history.onPadProperty().get()).isSameAs(seven);
    }

    @Test
    void restoringIsOneUndoableStep() {
        seven();
        HistoryViewModel.Entry seven = entries().getFirst();
        pad.clear();
        one();
        Drawing theOne = pad.drawingProperty().get();

        history.restore(seven);
        pad.undo();

        assertThat(pad.drawingProperty().get()).isSameAs(theOne);
        assertThat(prediction.resultProperty().get().drawing()).isSameAs(theOne);
        pad.redo();
        assertThat(pad.drawingProperty().get()).isSameAs(seven.drawing());
    }

    @Test
    void restoringTheDrawingOnThePadChangesNothing() {
        seven();
        int calls = sent.size();

        history.restore(entries().getFirst());

        assertThat(sent).as("not predicted again").hasSize(calls);
        pad.undo();
        assertThat(pad.drawingProperty().get().isBlank())
                .as("no undo step was added: undo takes the stroke away")
                .isTrue();
    }

    @Test
    void anOpenedImageIsKeptAndPutBack() throws IOException {
        pad.load(DigitSketches.draw(3, 50, 30, 210, 22, true));
        HistoryViewModel.Entry three = entries().getFirst();
        assertThat(three.drawing().background()).isPresent();
        pad.clear();

        history.restore(three);

        assertThat(pad.drawingProperty().get().background())
                .isEqualTo(three.drawing().background());
        assertThat(entries()).hasSize(1);
    }

    @Test
    void notSureFollowsTheThreshold() {
        answer = Distributions.probabilities(4, 0.45f);
        seven();
        HistoryViewModel.Entry entry = entries().getFirst();
        assertThat(entry.sure()).isFalse();
        assertThat(entry.verdict())
                .isEqualTo(Headline.NOT_SURE)
                .isEqualTo(prediction.headlineProperty().get());

        prediction.thresholdProperty().set(0.4);

        assertThat(entries().getFirst().sure()).isTrue();
        assertThat(entries().getFirst().verdict()).isEmpty();
        assertThat(entries().getFirst().drawing()).isSameAs(entry.drawing());
    }

    @Test
    void exportWritesTheContactSheet() throws IOException {
        seven();
        pad.clear();
        one();
        Path file = dir.resolve("history.png");

        history.export(file);

        assertThat(problems).isEmpty();
        var sheet = ImageIO.read(file.toFile());
        assertThat(sheet.getWidth()).isEqualTo(ContactSheet.width(2));
        assertThat(sheet.getHeight()).isEqualTo(ContactSheet.height(2));
    }

    @Test
    void anEmptyHistoryExportsNothingAndSaysSo() {
        Path file = dir.resolve("history.png");

        history.export(file);

        assertThat(file).doesNotExist();
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.title()).isEqualTo("Nothing to export");
            assertThat(p.message()).contains("history is empty");
        });
    }

    @Test
    void aFailedExportIsReportedWithTheFile() throws IOException {
        seven();
        Path file = dir.resolve("gone").resolve("history.png");

        history.export(file);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.title()).isEqualTo("Cannot export the history");
            assertThat(p.message())
                    .contains(file.toString())
                    .contains("there is no such folder")
                    .contains("Choose another folder");
        });
    }
}
