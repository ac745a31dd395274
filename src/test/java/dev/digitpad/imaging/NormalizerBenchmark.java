package dev.digitpad.imaging;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * Times a 280x280 canvas picture (TYPE_INT_ARGB, as a canvas snapshot is) to the 28x28 model
 * input: ink extraction plus normalisation. Not a test (nothing is asserted); run with
 * {@code java -cp target/classes:target/test-classes dev.digitpad.imaging.NormalizerBenchmark}.
 */
public final class NormalizerBenchmark {
    private NormalizerBenchmark() {}

    public static void main(String[] args) {
        BufferedImage rgb = TestImages.blackOnWhite();
        BufferedImage argb = new BufferedImage(280, 280, BufferedImage.TYPE_INT_ARGB);
        var g = argb.createGraphics();
        g.drawImage(rgb, 0, 0, null);
        g.dispose();
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        for (BufferedImage img : new BufferedImage[] {argb, rgb}) {
            long[] t = new long[calls];
            double sink = 0;
            for (int i = 0; i < 5_000 + calls; i++) {
                long s = System.nanoTime();
                float[] p = MnistNormalizer.normalize(img).pixels().orElseThrow();
                long e = System.nanoTime() - s;
                for (float v : p) {
                    sink += v;
                }
                if (i >= 5_000) {
                    t[i - 5_000] = e;
                }
            }
            Arrays.sort(t);
            System.out.printf(
                    "280x280 type %d -> 28x28: p50 %.1f us, p90 %.1f us, p99 %.1f us (%d calls; ink %.0f)%n",
                    img.getType(),
                    t[calls / 2] / 1e3,
                    t[calls * 9 / 10] / 1e3,
                    t[calls * 99 / 100] / 1e3,
                    calls,
                    sink / (5_000 + calls));
        }
    }
}
