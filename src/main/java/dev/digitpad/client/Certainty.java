package dev.digitpad.client;

import dev.digitpad.contract.ModelContract;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * How sure the model is of one answer, decided here once for the window and the command line alike.
 *
 * <ul>
 *   <li><b>Sure</b>: the top probability is at least the threshold (the window's slider, {@code digitpad predict
 *       --threshold}; {@value #DEFAULT_THRESHOLD} by default). Exactly at the threshold is sure. The comparison is
 *       made in float, the precision of the probabilities, so that a threshold of 0.7 and an answer of 0.7 agree.
 *   <li><b>Best guesses</b>: the top digit, then at most two runners-up, most probable first, each getting more than
 *       an even share ({@value #EVEN_SHARE}): a digit at or below chance is no guess.
 *   <li><b>Nearly flat</b>: the answer is spread so evenly over the ten digits that the picture does not look like
 *       any of them. Precisely: the normalised entropy {@code H(p) / ln 10} is at least {@value #FLAT_ENTROPY}.
 *       A uniform answer has 1; 40% on one digit with the rest shared evenly has 0.865 (flat); 45% so shared has
 *       0.824 (not flat); a model torn between two digits, 50% and 45%, has 0.42 (not flat). No answer with a top
 *       probability of 0.6 or more is nearly flat. A model trained to give uniform answers on pictures that are not
 *       digits (outlier exposure) gives them entropies near 1.
 * </ul>
 *
 * Flatness does not depend on the threshold; the window and the command line say "does not look like a digit" only
 * when the answer is also not sure.
 *
 * @param sure the top probability reaches the threshold
 * @param nearlyFlat the answer is nearly uniform: the picture does not look like a digit
 * @param guesses the best guesses, most probable first; never empty
 */
public record Certainty(boolean sure, boolean nearlyFlat, List<Guess> guesses) {
    /** The threshold the window and {@code digitpad predict} start with. */
    public static final double DEFAULT_THRESHOLD = ModelContract.NOT_SURE_BELOW;

    /** The normalised entropy at and above which an answer is nearly flat. */
    public static final double FLAT_ENTROPY = 0.85;

    /** The probability a runner-up must exceed to be a guess: what each digit gets from a uniform answer. */
    public static final double EVEN_SHARE = 0.1;

    private static final int MAX_GUESSES = 3;

    public Certainty {
        guesses = List.copyOf(guesses);
        if (guesses.isEmpty()) {
            throw new IllegalArgumentException("there is always at least one guess: the top digit");
        }
    }

    /** A digit and the probability the model gives it. */
    public record Guess(int digit, float probability) {
        /** "4 (41%)". */
        @Override
        public String toString() {
            return digit + " (" + percent(probability) + ")";
        }
    }

    /**
     * How sure {@code probabilities} (one per digit, summing to 1) is at {@code threshold}.
     *
     * @throws IllegalArgumentException if the threshold is not in [0, 1] or there are no probabilities
     */
    public static Certainty of(float[] probabilities, double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("the threshold must be between 0 and 1, not " + threshold);
        }
        if (probabilities.length == 0) {
            throw new IllegalArgumentException("no probabilities");
        }
        List<Guess> ranked = IntStream.range(0, probabilities.length)
                .mapToObj(k -> new Guess(k, probabilities[k]))
                .sorted(Comparator.comparingDouble(Guess::probability).reversed())
                .toList();
        List<Guess> guesses = new ArrayList<>(List.of(ranked.get(0)));
        for (Guess g : ranked.subList(1, Math.min(MAX_GUESSES, ranked.size()))) {
            if (g.probability() > (float) EVEN_SHARE) {
                guesses.add(g);
            }
        }
        boolean sure = ranked.get(0).probability() >= (float) threshold;
        return new Certainty(sure, normalisedEntropy(probabilities) >= FLAT_ENTROPY, guesses);
    }

    /**
     * The entropy of {@code p} divided by the largest possible, {@code ln n}: 0 when one digit has everything, 1 when
     * all are equal.
     */
    public static double normalisedEntropy(float[] p) {
        if (p.length < 2) {
            return 0;
        }
        double h = 0;
        for (float v : p) {
            if (v > 0) {
                h -= v * Math.log(v);
            }
        }
        return h / Math.log(p.length);
    }

    /**
     * Why the answer is not sure, in words both the window and the command line use: "maybe 4 (41%) or 9 (38%)", or,
     * for a nearly flat answer, "this does not look like a digit".
     */
    public String notSureReason() {
        if (nearlyFlat) {
            return "this does not look like a digit";
        }
        return "maybe " + guessList();
    }

    /** The best guesses as a list for people: "4 (41%)", "4 (41%) or 9 (38%)", "4 (41%), 9 (38%) or 1 (12%)". */
    public String guessList() {
        List<String> each = guesses.stream().map(Guess::toString).toList();
        if (each.size() == 1) {
            return each.get(0);
        }
        return each.subList(0, each.size() - 1).stream().collect(Collectors.joining(", "))
                + " or "
                + each.get(each.size() - 1);
    }

    /** A probability as a whole percentage, "41%", the way the window and the command line show guesses. */
    public static String percent(float probability) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * probability);
    }
}
