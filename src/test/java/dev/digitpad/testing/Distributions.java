package dev.digitpad.testing;

import java.util.Arrays;

/** Probability vectors over the ten digits, as a model's answer carries them. */
public final class Distributions {
    private Distributions() {}

    /** {@code p} on {@code digit}, and the rest shared evenly among the other nine. */
    public static float[] probabilities(int digit, float p) {
        float[] v = new float[10];
        Arrays.fill(v, (1 - p) / 9);
        v[digit] = p;
        return v;
    }
}
