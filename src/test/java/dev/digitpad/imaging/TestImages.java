package dev.digitpad.imaging;

import dev.digitpad.dataset.LabelledDigits;
import dev.digitpad.testing.MnistTestSet;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;

/** Pictures and digits shared by the imaging tests. */
final class TestImages {
    private TestImages() {}

    /** A "7"-like pen drawing on a 280x280 canvas, in the given colours. */
    static BufferedImage sevenOnCanvas(
            int type, Color background, Color ink, float pen, double x0, double y0, double size) {
        BufferedImage img = new BufferedImage(280, 280, type);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setComposite(java.awt.AlphaComposite.Src);
            g.setColor(background);
            g.fillRect(0, 0, 280, 280);
            g.setComposite(java.awt.AlphaComposite.SrcOver);
            g.setColor(ink);
            g.setStroke(new BasicStroke(pen, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            Path2D.Double p = new Path2D.Double();
            p.moveTo(x0, y0);
            p.lineTo(x0 + 0.7 * size, y0);
            p.lineTo(x0 + 0.25 * size, y0 + size);
            p.moveTo(x0 + 0.2 * size, y0 + 0.5 * size);
            p.lineTo(x0 + 0.6 * size, y0 + 0.5 * size);
            g.draw(p);
        } finally {
            g.dispose();
        }
        return img;
    }

    static BufferedImage blackOnWhite() {
        return sevenOnCanvas(BufferedImage.TYPE_INT_RGB, Color.WHITE, Color.BLACK, 18f, 60, 50, 170);
    }

    static BufferedImage whiteOnBlack() {
        return sevenOnCanvas(BufferedImage.TYPE_INT_RGB, Color.BLACK, Color.WHITE, 18f, 60, 50, 170);
    }

    /** MNIST's official 10,000 test digits, as committed. */
    static LabelledDigits mnistTest() {
        return MnistTestSet.digits();
    }

    static double meanAbsDiff(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s / a.length;
    }

    /** Bounding box {x0, y0, x1, y1} of values above t. */
    static int[] box(float[] img28, float t) {
        int x0 = 28;
        int y0 = 28;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                if (img28[y * 28 + x] > t) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        return new int[] {x0, y0, x1, y1};
    }
}
