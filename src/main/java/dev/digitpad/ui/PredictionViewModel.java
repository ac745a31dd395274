package dev.digitpad.ui;

import dev.digitpad.client.Certainty;
import dev.digitpad.client.Prediction;
import java.time.Duration;
import java.util.Optional;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;

/**
 * The prediction pane: what the {@link PredictionScheduler} last showed, the threshold below which the model is
 * "not sure", the {@link Headline} made of the two, whether the model's-eye view has a colorbar, and the time the last
 * answer took. Called on the UI thread.
 */
public final class PredictionViewModel {
    private final PredictionScheduler predictions;
    private final DoubleProperty threshold = new SimpleDoubleProperty(this, "threshold", Certainty.DEFAULT_THRESHOLD);
    private final BooleanProperty colorbar = new SimpleBooleanProperty(this, "colorbar");
    private final ReadOnlyStringWrapper headline = new ReadOnlyStringWrapper(this, "headline");
    private final ReadOnlyStringWrapper detail = new ReadOnlyStringWrapper(this, "detail");
    private final ReadOnlyStringWrapper roundTrip = new ReadOnlyStringWrapper(this, "roundTrip", "");
    private final ReadOnlyBooleanWrapper hasDistribution = new ReadOnlyBooleanWrapper(this, "hasDistribution");

    public PredictionViewModel(PredictionScheduler predictions) {
        this.predictions = predictions;
        updateHeadline();
        predictions.resultProperty().addListener((o, a, r) -> {
            updateHeadline();
            hasDistribution.set(r.prediction().isPresent());
            r.prediction().map(Prediction::roundTrip).ifPresent(t -> roundTrip.set("last prediction " + millis(t)));
        });
        threshold.addListener((o, a, b) -> updateHeadline());
    }

    private void updateHeadline() {
        Headline h = Headline.of(
                predictions.resultProperty().get(),
                threshold.get(),
                predictions.waitingForProperty().get());
        headline.set(h.text());
        detail.set(h.detail());
    }

    /**
     * The ten probabilities shown, as tab-separated text for the clipboard: a "digit, probability" header, one line
     * per digit with the probability at full precision, then the model, its version and the label asked for when known. Empty while
     * there is no answer.
     */
    public Optional<String> distributionText() {
        return predictions.resultProperty().get().prediction().map(p -> {
            StringBuilder out = new StringBuilder("digit\tprobability\n");
            float[] probabilities = p.probabilities();
            for (int d = 0; d < probabilities.length; d++) {
                out.append(d).append('\t').append(probabilities[d]).append('\n');
            }
            if (p.model() != null && !p.model().isEmpty()) {
                out.append("model\t").append(p.model()).append('\n');
            }
            if (p.version() >= 0) {
                out.append("version\t").append(p.version()).append('\n');
            }
            if (!p.label().isEmpty()) {
                out.append("label\t").append(p.label()).append('\n');
            }
            return out.toString();
        });
    }

    private static String millis(Duration d) {
        return String.format("%.1f ms", d.toNanos() / 1e6);
    }

    public ReadOnlyObjectProperty<PredictionResult> resultProperty() {
        return predictions.resultProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return predictions.busyProperty();
    }

    public DoubleProperty thresholdProperty() {
        return threshold;
    }

    public BooleanProperty colorbarProperty() {
        return colorbar;
    }

    public ReadOnlyStringProperty headlineProperty() {
        return headline.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty detailProperty() {
        return detail.getReadOnlyProperty();
    }
    /** Whether an answer is shown, so that there is a distribution to copy. */
    public ReadOnlyBooleanProperty hasDistributionProperty() {
        return hasDistribution.getReadOnlyProperty();
    }

    /** "last prediction 3.2 ms": the round trip of the last answer; empty before the first. */
    public ReadOnlyStringProperty roundTripProperty() {
        return roundTrip.getReadOnlyProperty();
    }
}
