package dev.digitpad.ui;

import dev.digitpad.client.Prediction;
import dev.digitpad.client.PredictionException;
import dev.digitpad.imaging.MnistNormalizer;
import dev.digitpad.imaging.Normalization;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole way from a drawing to the model's answer: rendering, preprocessing, the too-small check and the call to
 * the predictor. Runs on a worker thread; both the scheduler's predictions and the warm-up take it.
 */
final class PredictionPath {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionPath.class);

    /**
     * What one run produced: the result to show, and the failure to report, if any.
     *
     * @param called whether the predictor was asked (not for a blank or too small drawing, nor without a predictor)
     * @param error the predictor's failure, if it failed: the server's, or the way to it
     */
    record Outcome(PredictionResult result, Problem failure, boolean called, PredictionException error) {}

    private PredictionPath() {}

    /** Predicts {@code snapshot} with {@code p} (null: prepares the tensor only); never throws. */
    static Outcome run(Drawing snapshot, Predictor p) {
        Optional<float[]> tensor = Optional.empty();
        Optional<Prediction> prediction = Optional.empty();
        boolean tooSmall = false;
        Problem failure = null;
        boolean called = false;
        PredictionException error = null;
        try {
            Normalization n = MnistNormalizer.normalize(snapshot.render());
            // The normaliser blows any ink up to 20 px, so a dot would come back as a confident digit.
            tooSmall = n.cropBox().filter(snapshot::tooSmallToRead).isPresent();
            tensor = tooSmall ? Optional.empty() : n.pixels();
            if (tensor.isPresent() && p != null) {
                called = true;
                prediction = Optional.of(p.predict(tensor.get()));
            }
        } catch (PredictionException e) {
            LOG.debug("Prediction failed: {} [{}]", e.getMessage(), e.technical());
            failure = new Problem("Prediction failed", e.getMessage());
            error = e;
        } catch (RuntimeException e) {
            LOG.warn("Prediction failed", e);
            failure = new Problem(
                    "Prediction failed",
                    "DigitPad could not predict the drawing (" + e + "). Try again;"
                            + " if it keeps failing, check the server in the Server tab.");
        }
        return new Outcome(new PredictionResult(snapshot, tensor, prediction, tooSmall), failure, called, error);
    }
}
