package dev.digitpad.dataset;

import dev.digitpad.contract.ModelContract;
import dev.digitpad.imaging.MnistNormalizer;
import dev.digitpad.imaging.Normalization;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.util.SplittableRandom;

/**
 * Turns a synthetic ink map into the kind of picture a user gives the app (canvas, transparent
 * PNG, photo of paper, low-resolution scan) and back through the app's own
 * {@link MnistNormalizer}, so synthetic digits are normalised exactly like real input.
 */
public final class Presentation {
    private Presentation() {}

    /** Normalised 784 values, or null when the normaliser found nothing. */
    public static float[] normalise(BufferedImage image) {
        Normalization n = MnistNormalizer.normalize(image);
        return n.pixels().orElse(null);
    }

    /**
     * A picture of {@code ink} in a random style: dark ink on light paper, light ink on a dark
     * background, or ink in the alpha channel of a transparent image; mild noise sometimes.
     */
    public static BufferedImage randomPicture(FloatGrid ink, SplittableRandom rng) {
        double style = rng.nextDouble();
        if (style < 0.15) {
            return alphaPicture(ink, rng.nextInt(0x1000000));
        }
        boolean darkInk = style < 0.7;
        float paper = darkInk ? (float) (0.8 + 0.2 * rng.nextDouble()) : (float) (0.25 * rng.nextDouble());
        float inkLevel = darkInk ? (float) (0.3 * rng.nextDouble()) : (float) (0.7 + 0.3 * rng.nextDouble());
        double noise = rng.nextDouble() < 0.3 ? 0.04 * rng.nextDouble() : 0.0;
        if (rng.nextDouble() < 0.5) {
            return ink.toGrayImage(paper, inkLevel, noise, rng);
        }
        return colourPicture(ink, paper, inkLevel, noise, rng);
    }

    /** An opaque RGB picture with slightly tinted paper and ink. */
    public static BufferedImage colourPicture(
            FloatGrid ink, float paper, float inkLevel, double noise, SplittableRandom rng) {
        float[] paperRgb = tint(paper, rng);
        float[] inkRgb = tint(inkLevel, rng);
        BufferedImage img = new BufferedImage(ink.w, ink.h, BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < px.length; i++) {
            float a = Math.min(1f, Math.max(0f, ink.v[i]));
            double n = noise > 0 ? FloatGrid.gaussian(rng) * noise : 0;
            int rgb = 0;
            for (int c = 0; c < 3; c++) {
                double g = paperRgb[c] + (inkRgb[c] - paperRgb[c]) * a + n;
                rgb = (rgb << 8) | (int) Math.round(Math.max(0, Math.min(1, g)) * 255);
            }
            px[i] = rgb;
        }
        return img;
    }

    /** A transparent ARGB picture whose alpha is the ink, in colour {@code rgb}. */
    public static BufferedImage alphaPicture(FloatGrid ink, int rgb) {
        BufferedImage img = new BufferedImage(ink.w, ink.h, BufferedImage.TYPE_INT_ARGB);
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < px.length; i++) {
            int a = Math.round(Math.min(1f, Math.max(0f, ink.v[i])) * 255);
            px[i] = (a << 24) | (rgb & 0xffffff);
        }
        return img;
    }

    private static float[] tint(float level, SplittableRandom rng) {
        float[] c = new float[3];
        for (int i = 0; i < 3; i++) {
            c[i] = (float) Math.max(0, Math.min(1, level + (rng.nextDouble() - 0.5) * 0.12));
        }
        return c;
    }

    /**
     * A low-resolution scan: the ink is shrunk so the digit is {@code digitHeight} px tall, printed
     * dark on light paper with sensor noise, optionally blurred, then enlarged {@code upscale}
     * times with bilinear interpolation (what an image viewer or phone does).
     */
    public static BufferedImage lowResScan(
            FloatGrid ink, double digitHeight, int upscale, double blurSigma, double noise, SplittableRandom rng) {
        int[] b = ink.bounds(0.1f);
        if (b == null) {
            return ink.toGrayImage(0.9f, 0.1f, 0, rng);
        }
        double factor = digitHeight / (b[3] - b[1] + 1);
        int lw = Math.max(4, (int) Math.round(ink.w * factor));
        int lh = Math.max(4, (int) Math.round(ink.h * factor));
        FloatGrid small = ink.resizeArea(lw, lh);
        if (blurSigma > 0) {
            small = small.blur(blurSigma);
        }
        float paper = (float) (0.75 + 0.2 * rng.nextDouble());
        float inkLevel = (float) (0.05 + 0.3 * rng.nextDouble());
        FloatGrid gray = new FloatGrid(lw, lh);
        for (int i = 0; i < gray.v.length; i++) {
            gray.v[i] =
                    (float) (paper + (inkLevel - paper) * Math.min(1f, small.v[i]) + FloatGrid.gaussian(rng) * noise);
        }
        FloatGrid big = gray.resizeBilinear(lw * upscale, lh * upscale);
        BufferedImage img = new BufferedImage(big.w, big.h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) Math.round(Math.max(0, Math.min(1, big.v[i])) * 255);
        }
        return img;
    }

    /** Shifts a normalised 28x28 digit by whole pixels (content leaving the field is lost). */
    public static float[] shift(float[] digit, int dx, int dy) {
        float[] out = new float[ModelContract.PIXELS];
        for (int y = 0; y < ModelContract.SIDE; y++) {
            int sy = y - dy;
            if (sy < 0 || sy >= ModelContract.SIDE) {
                continue;
            }
            for (int x = 0; x < ModelContract.SIDE; x++) {
                int sx = x - dx;
                if (sx >= 0 && sx < ModelContract.SIDE) {
                    out[y * ModelContract.SIDE + x] = digit[sy * ModelContract.SIDE + sx];
                }
            }
        }
        return out;
    }
}
