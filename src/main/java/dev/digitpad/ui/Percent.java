package dev.digitpad.ui;

import java.util.Locale;

/**
 * A probability as a percentage with at least one decimal, that never rounds a small difference away: "41.3%";
 * under 0.1%, two significant digits ("0.012%", and "3.4e-07%" below 0.0001%); above 99.9%, as many decimals as show
 * the distance to 100% with two significant digits ("99.987%"). Only exactly 0 and 1 are "0%" and "100%".
 */
public final class Percent {
    private Percent() {}

    public static String of(double p) {
        double percent = 100 * p;
        if (p <= 0) {
            return "0%";
        }
        if (p >= 1) {
            return "100%";
        }
        if (percent < 0.1) {
            if (percent < 1e-4) {
                return String.format(Locale.ROOT, "%.1e%%", percent);
            }
            return fixed(percent, significantDecimals(percent));
        }
        double gap = 100 - percent;
        if (gap < 0.1) {
            return fixed(percent, Math.min(significantDecimals(gap), 9));
        }
        return fixed(percent, 1);
    }

    /** Decimals that show {@code v} (under 0.1) with two significant digits. */
    private static int significantDecimals(double v) {
        return (int) Math.ceil(-Math.log10(v)) + 1;
    }

    private static String fixed(double percent, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f%%", percent);
    }
}
