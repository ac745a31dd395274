import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Draws DigitPad's icon at every size the desktops ask for, into {@code assets/icons/digitpad-<size>.png}.
 *
 * <p>The design: a blue tile (the pad), a "4" written with a round pen in warm ink, and from 48 px up a strip of
 * ten probability bars along the bottom with the bar of 4 standing out, which is what the app shows. Each size is
 * drawn on its own rather than scaled down from the largest, so that the small ones stay crisp.
 *
 * <p>Run from the repository root: {@code java scripts/MakeIcons.java [folder]} (JDK 25; no other tools).
 */
public final class MakeIcons {
    static final int[] SIZES = {16, 24, 32, 48, 64, 128, 256, 512};

    static final Color TILE_TOP = new Color(0x2F6FA8);
    static final Color TILE_BOTTOM = new Color(0x173A63);
    static final Color INK = new Color(0xFFB547);

    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args.length > 0 ? args[0] : "assets/icons");
        Files.createDirectories(folder);
        for (int size : SIZES) {
            Path file = folder.resolve("digitpad-" + size + ".png");
            ImageIO.write(draw(size), "png", file.toFile());
            System.out.println("wrote " + file);
        }
    }

    static BufferedImage draw(int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        // Everything below is in a 100 x 100 box.
        g.scale(size / 100.0, size / 100.0);

        boolean small = size < 48;
        double margin = small ? 1 : 4;
        double side = 100 - 2 * margin;
        g.setPaint(new GradientPaint(0, (float) margin, TILE_TOP, 0, (float) (100 - margin), TILE_BOTTOM));
        g.fill(new RoundRectangle2D.Double(margin, margin, side, side, side * 0.36, side * 0.36));

        // The digit: two strokes, as a hand writes a 4. Small sizes get a thicker pen and the whole tile.
        double top = 14;
        double bottom = small ? 86 : 66;
        double pen = small ? 15 : 11;
        double crossY = top + (bottom - top) * 0.64;
        Path2D open = new Path2D.Double();
        open.moveTo(44, top);
        open.lineTo(24, crossY);
        open.lineTo(78, crossY);
        Path2D down = new Path2D.Double();
        down.moveTo(62, top + (bottom - top) * 0.18);
        down.lineTo(60, bottom);
        g.setColor(INK);
        g.setStroke(new BasicStroke((float) pen, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(open);
        g.draw(down);

        if (!small) {
            // The distribution: ten bars on a baseline, the one of "4" tall and inked.
            double[] heights = {2, 3, 2, 4, 13, 2, 3, 5, 2, 6};
            double left = 17;
            double width = 66;
            double step = width / heights.length;
            double baseline = 86;
            for (int k = 0; k < heights.length; k++) {
                g.setColor(k == 4 ? INK : new Color(255, 255, 255, 170));
                double x = left + k * step + step * 0.18;
                g.fill(new Rectangle2D.Double(x, baseline - heights[k], step * 0.64, heights[k]));
            }
            g.setColor(new Color(255, 255, 255, 120));
            g.fill(new Rectangle2D.Double(left, baseline, width, 1.2));
        }
        g.dispose();
        return image;
    }
}
