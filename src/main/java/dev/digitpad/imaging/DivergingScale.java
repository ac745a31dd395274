package dev.digitpad.imaging;

import java.util.ArrayList;
import java.util.List;

/**
 * The colour scale of a map of signed values centred at zero: {@code -limit} maps to 0 (blue in {@link
 * RdBuColormap}), zero to 0.5 (white) and {@code limit} to 1 (red), as {@code imshow(map, vmin=-limit, vmax=limit)}.
 * So the colour of zero is always the middle one, and red and blue mean the same whatever the map's range.
 */
public record DivergingScale(float limit) {
    /** The scale whose limit is the largest absolute value in {@code values} (0 if they are all zero). */
    public static DivergingScale of(float[] values) {
        float max = 0;
        for (float v : values) {
            if (Float.isFinite(v)) {
                max = Math.max(max, Math.abs(v));
            }
        }
        return new DivergingScale(max);
    }

    /** Where {@code v} falls on the scale, 0..1; everything is 0.5 when the limit is 0. */
    public double level(float v) {
        if (!(limit > 0)) {
            return 0.5;
        }
        return Math.clamp((v + limit) / (2.0 * limit), 0, 1);
    }

    /**
     * The colorbar's ticks: multiples of a round step (1, 2, 2.5 or 5 times a power of ten) from {@code -limit} to
     * {@code limit}, five to nine of them, as matplotlib's default locator picks them; just 0 when the limit is 0.
     */
    public List<Double> ticks() {
        List<Double> ticks = new ArrayList<>();
        if (!(limit > 0)) {
            ticks.add(0.0);
            return ticks;
        }
        double step = step();
        long n = (long) Math.floor(limit / step + 1e-9);
        for (long i = -n; i <= n; i++) {
            ticks.add(i * step);
        }
        return ticks;
    }

    /** A tick's label: as many decimals as the step needs, and "0" for zero. */
    public String label(double tick) {
        if (Math.abs(tick) < step() * 1e-6) {
            return "0";
        }
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step()) - 1e-9));
        if (Math.abs(step() * Math.pow(10, decimals) - Math.round(step() * Math.pow(10, decimals))) > 1e-6) {
            decimals++; // 0.25 needs two decimals, not one
        }
        return String.format(java.util.Locale.ROOT, "%." + decimals + "f", tick);
    }

    private double step() {
        double raw = 2.0 * limit / 8;
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * power >= raw - 1e-12 * power) {
                return m * power;
            }
        }
        return 10 * power;
    }
}
