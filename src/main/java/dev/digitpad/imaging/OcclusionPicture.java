package dev.digitpad.imaging;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Draws an occlusion map over the model's input as matplotlib would with
 * {@code plt.imshow(img, cmap="gray"); plt.imshow(map, cmap="RdBu_r", alpha=0.5, vmin=-m, vmax=m); plt.colorbar()}: a
 * 640x480 white figure, square axes with outward ticks every 5 pixels, the input in grey levels from its minimum
 * (black) to its maximum (white) with the map's colours over it at half opacity, and the map's colorbar (also at half
 * opacity, over white, as matplotlib draws the colorbar of a translucent image) on the right, its scale centred at
 * zero. Plain Java2D, so that it needs no display.
 */
public final class OcclusionPicture {
    public static final int WIDTH = 640;
    public static final int HEIGHT = 480;
    /** The map's opacity over the input. */
    public static final double ALPHA = 0.5;

    static final int SIDE = 28;
    /** The axes square: where matplotlib puts it in a default figure with a colorbar. */
    static final int AXES_X = 107;

    static final int AXES_Y = 58;
    static final int AXES_SIDE = 370;
    static final int BAR_X = 502;
    static final int BAR_WIDTH = 19;
    static final int TICK = 4;
    private static final double[] WHITE = {1, 1, 1};

    private OcclusionPicture() {}

    /**
     * @param input the model's input, 784 values row-major
     * @param map the occlusion map of one digit, 784 values row-major
     * @param title drawn above the axes; none when empty
     */
    public static BufferedImage render(float[] input, float[] map, String title) {
        if (input.length != SIDE * SIDE || map.length != SIDE * SIDE) {
            throw new IllegalArgumentException("the input and the map are 28x28 (784 values) each");
        }
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            GrayScale gray = GrayScale.of(input);
            DivergingScale scale = DivergingScale.of(map);
            for (int r = 0; r < SIDE; r++) {
                for (int c = 0; c < SIDE; c++) {
                    int i = r * SIDE + c;
                    double level = gray.level(input[i]);
                    g.setColor(new Color(cellColor(level, scale.level(map[i]))));
                    int left = edge(AXES_X, c);
                    int top = edge(AXES_Y, r);
                    g.fillRect(left, top, edge(AXES_X, c + 1) - left, edge(AXES_Y, r + 1) - top);
                }
            }
            for (int y = 0; y < AXES_SIDE; y++) {
                double level = 1 - (y + 0.5) / AXES_SIDE;
                g.setColor(new Color(colorbarColor(level)));
                g.fillRect(BAR_X, AXES_Y + y, BAR_WIDTH, 1);
            }
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1));
            g.drawRect(AXES_X - 1, AXES_Y - 1, AXES_SIDE + 1, AXES_SIDE + 1);
            g.drawRect(BAR_X - 1, AXES_Y - 1, BAR_WIDTH + 1, AXES_SIDE + 1);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            FontMetrics fm = g.getFontMetrics();
            for (int t = 0; t < SIDE; t += 5) {
                int x = (int) Math.round(AXES_X + AXES_SIDE * (t + 0.5) / SIDE);
                g.drawLine(x, AXES_Y + AXES_SIDE, x, AXES_Y + AXES_SIDE + TICK);
                String s = Integer.toString(t);
                g.drawString(s, x - fm.stringWidth(s) / 2, AXES_Y + AXES_SIDE + TICK + 2 + fm.getAscent());
                int y = (int) Math.round(AXES_Y + AXES_SIDE * (t + 0.5) / SIDE);
                g.drawLine(AXES_X - 1 - TICK, y, AXES_X - 1, y);
                g.drawString(s, AXES_X - TICK - 4 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
            }
            for (double tick : scale.ticks()) {
                int y = (int) Math.round(AXES_Y + AXES_SIDE * (1 - scale.level((float) tick)));
                y = Math.min(AXES_Y + AXES_SIDE - 1, y);
                g.drawLine(BAR_X + BAR_WIDTH, y, BAR_X + BAR_WIDTH + TICK, y);
                g.drawString(scale.label(tick), BAR_X + BAR_WIDTH + TICK + 3, y + fm.getAscent() / 2 - 1);
            }
            if (!title.isEmpty()) {
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
                FontMetrics tm = g.getFontMetrics();
                g.drawString(title, AXES_X + (AXES_SIDE - tm.stringWidth(title)) / 2, AXES_Y - tm.getDescent() - 8);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * The colour of a cell, 0xRRGGBB: the map's colour at {@code mapLevel} (0..1 on its scale) at half opacity over
     * the input's grey {@code grayLevel} (0 black, 1 white). The window's view draws its cells with this too.
     */
    public static int cellColor(double grayLevel, double mapLevel) {
        return RdBuColormap.over(mapLevel, ALPHA, new double[] {grayLevel, grayLevel, grayLevel});
    }

    /** The colorbar's colour at {@code mapLevel}: the map's colour at half opacity over the white figure. */
    public static int colorbarColor(double mapLevel) {
        return RdBuColormap.over(mapLevel, ALPHA, WHITE);
    }

    private static int edge(int origin, int i) {
        return origin + (int) Math.round(AXES_SIDE * i / (double) SIDE);
    }
}
