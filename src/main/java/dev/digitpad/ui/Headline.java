package dev.digitpad.ui;

import dev.digitpad.client.Certainty;
import dev.digitpad.client.Prediction;

/**
 * The words above the bars: the digit read (or "Not sure", "Draw a digit", "Too small", "–") and a line under it
 * that says how sure the model is or what is missing. When the model is not sure (by {@link Certainty}, the rule
 * {@code digitpad predict} uses too), the line names its best guesses, "Maybe 4 (41%) or 9 (38%)", or, when its
 * answer is nearly flat, says "This does not look like a digit".
 *
 * @param text the large word
 * @param detail the line under it
 */
public record Headline(String text, String detail) {
    public static final String DRAW_A_DIGIT = "Draw a digit";
    public static final String NOT_SURE = "Not sure";
    public static final String TOO_SMALL = "Too small";
    /** Shown when ink was sent but no answer came. */
    public static final String NO_ANSWER = "–";

    /**
     * The headline for {@code r}.
     *
     * @param threshold the confidence below which the model is "not sure"
     * @param waitingFor what predictions wait for while there is no predictor; null while there is one
     */
    static Headline of(PredictionResult r, double threshold, String waitingFor) {
        if (r.tooSmall()) {
            return new Headline(TOO_SMALL, "Draw the digit larger: a dot or a speck is not a digit.");
        }
        if (r.drawing().isBlank() || r.tensor().isEmpty()) {
            return new Headline(DRAW_A_DIGIT, r.drawing().isBlank() ? "" : "There is no ink to recognise.");
        }
        if (r.prediction().isEmpty()) {
            return new Headline(
                    NO_ANSWER, waitingFor != null ? waitingFor : "No answer from the server; see the message.");
        }
        Prediction p = r.prediction().get();
        Certainty certainty = p.certainty(threshold);
        if (!certainty.sure()) {
            String reason = certainty.notSureReason();
            return new Headline(NOT_SURE, Character.toUpperCase(reason.charAt(0)) + reason.substring(1));
        }
        return new Headline(Integer.toString(p.digit()), String.format("%.0f%%", 100 * p.confidence()) + " sure");
    }
}
