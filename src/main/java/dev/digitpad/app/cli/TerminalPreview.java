package dev.digitpad.app.cli;

import dev.digitpad.imaging.GrayScale;

/** Draws a 28x28 image in a terminal with shade characters, two per pixel so it keeps its proportions. */
final class TerminalPreview {
    private static final char[] SHADES = {' ', '░', '▒', '▓', '█'};

    private TerminalPreview() {}

    /** Autoscaled between the image's minimum and maximum, like matplotlib's imshow. */
    static String render(float[] pixels) {
        int side = (int) Math.round(Math.sqrt(pixels.length));
        GrayScale scale = GrayScale.of(pixels);
        StringBuilder out = new StringBuilder((2 * side + 3) * (side + 2));
        out.append('+').append("-".repeat(2 * side)).append("+\n");
        for (int y = 0; y < side; y++) {
            out.append('|');
            for (int x = 0; x < side; x++) {
                char c = SHADES[(int) Math.round(scale.level(pixels[y * side + x]) * (SHADES.length - 1))];
                out.append(c).append(c);
            }
            out.append("|\n");
        }
        out.append('+').append("-".repeat(2 * side)).append("+\n");
        return out.toString();
    }
}
