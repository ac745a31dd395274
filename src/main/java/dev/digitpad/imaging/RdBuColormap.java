package dev.digitpad.imaging;

/**
 * matplotlib's diverging colour map {@code RdBu_r}: dark blue at 0, near white at 0.5, dark red at 1. Made as
 * matplotlib makes it: a table of {@value #N} colours interpolated linearly between ColorBrewer's eleven RdBu colours
 * (reversed), and a value in 0..1 picks the entry {@code floor(value * N)}, so the colours are matplotlib's own.
 */
public final class RdBuColormap {
    /** The entries of the table, as matplotlib's {@code rcParams["image.lut"]} has it. */
    public static final int N = 256;

    /** ColorBrewer's RdBu, eleven classes, reversed: from blue (0) through white to red (1), evenly spaced. */
    private static final int[] STOPS = {
        0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b, 0x67001f
    };

    private static final double[][] TABLE = table();

    private RdBuColormap() {}

    private static double[][] table() {
        double[][] table = new double[N][3];
        int segments = STOPS.length - 1;
        for (int i = 0; i < N; i++) {
            double x = i / (double) (N - 1) * segments;
            int j = Math.min(segments - 1, (int) Math.floor(x));
            double f = x - j;
            for (int ch = 0; ch < 3; ch++) {
                double a = channel(STOPS[j], ch);
                double b = channel(STOPS[j + 1], ch);
                table[i][ch] = a + f * (b - a);
            }
        }
        return table;
    }

    /** Channel {@code ch} (0 red, 1 green, 2 blue) of a 0xRRGGBB colour, in 0..1. */
    private static double channel(int rgb, int ch) {
        return ((rgb >> (16 - 8 * ch)) & 0xff) / 255.0;
    }

    /**
     * The colour of {@code value} as red, green and blue in 0..1, as {@code matplotlib.colormaps["RdBu_r"](value)}
     * gives it; values outside 0..1 take the end colours, NaN the middle.
     */
    public static double[] rgb(double value) {
        if (Double.isNaN(value)) {
            value = 0.5;
        }
        int i = (int) Math.floor(Math.clamp(value, 0, 1) * N);
        return TABLE[Math.min(N - 1, i)].clone();
    }

    /**
     * The colour {@code value} gives an image drawn with {@code alpha} over a colour {@code under} (red, green, blue
     * in 0..1), as 0xRRGGBB: what matplotlib's {@code imshow(map, cmap="RdBu_r", alpha=alpha)} puts over what is
     * below it.
     */
    public static int over(double value, double alpha, double[] under) {
        double[] c = rgb(value);
        int out = 0;
        for (int ch = 0; ch < 3; ch++) {
            double v = alpha * c[ch] + (1 - alpha) * under[ch];
            out = (out << 8) | (int) Math.round(Math.clamp(v, 0, 1) * 255);
        }
        return out;
    }
}
