package dev.digitpad.dataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.font.GlyphVector;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/** Digits typeset in the fonts installed on this machine, rendered with java.awt. */
public final class FontDigits {
    private static final FontRenderContext FRC = new FontRenderContext(null, true, true);

    /** Symbol and dingbat fonts map the digit code points to pictures, not digits. */
    private static final java.util.regex.Pattern SYMBOL_FONTS =
            java.util.regex.Pattern.compile("(?i)dingbat|D050000L|symbol|wingding|webding");

    private FontDigits() {}

    /**
     * The installed font faces that have all ten digits, sorted by name (so the list, and
     * everything drawn from it with a seed, is reproducible on one machine). Java's logical fonts
     * (Dialog, SansSerif, ...) are left out: they are aliases of installed faces; so are symbol
     * and dingbat fonts, whose digit code points are pictures.
     */
    public static List<Font> installedFaces() {
        List<Font> faces = new ArrayList<>();
        for (Font f : GraphicsEnvironment.getLocalGraphicsEnvironment().getAllFonts()) {
            String family = f.getFamily();
            if (family.equals(Font.DIALOG)
                    || family.equals(Font.DIALOG_INPUT)
                    || family.equals(Font.SANS_SERIF)
                    || family.equals(Font.SERIF)
                    || family.equals(Font.MONOSPACED)) {
                continue;
            }
            if (f.canDisplayUpTo("0123456789") == -1
                    && !SYMBOL_FONTS.matcher(f.getFontName()).find()) {
                faces.add(f);
            }
        }
        faces.sort(Comparator.comparing(Font::getFontName));
        return faces;
    }

    /** Rendering parameters of one typeset digit. */
    public record Style(
            float pixelSize,
            double slant,
            double rotationDegrees,
            double widthScale,
            float outline,
            boolean darkOnLight,
            float paper,
            float ink) {}

    /** The outline of {@code digit} in {@code face} at {@code style}, origin at its box's top-left. */
    static Shape glyph(Font face, int digit, Style style) {
        return glyph(face, String.valueOf((char) ('0' + digit)), style);
    }

    /** The outline of {@code text} in {@code face} at {@code style}, origin at its box's top-left. */
    static Shape glyph(Font face, String text, Style style) {
        Font f = face.deriveFont(style.pixelSize());
        GlyphVector gv = f.createGlyphVector(FRC, text);
        Shape outline = gv.getOutline();
        AffineTransform t = new AffineTransform();
        t.rotate(Math.toRadians(style.rotationDegrees()));
        t.shear(-style.slant(), 0); // positive slant leans right
        t.scale(style.widthScale(), 1);
        Shape s = t.createTransformedShape(outline);
        Rectangle2D b = s.getBounds2D();
        return AffineTransform.getTranslateInstance(-b.getX(), -b.getY()).createTransformedShape(s);
    }

    /** A picture of the digit with a margin, as a screenshot or clean document scan would be. */
    public static BufferedImage render(Font face, int digit, Style style, int margin) {
        return render(face, String.valueOf((char) ('0' + digit)), style, margin);
    }

    /** A picture of {@code text} (a letter or symbol, say) with a margin, rendered like a digit. */
    public static BufferedImage render(Font face, String text, Style style, int margin) {
        Shape s = glyph(face, text, style);
        Rectangle2D b = s.getBounds2D();
        int pad = margin + (int) Math.ceil(Math.abs(style.outline()));
        int w = (int) Math.ceil(b.getWidth()) + 2 * pad;
        int h = (int) Math.ceil(b.getHeight()) + 2 * pad;
        BufferedImage img = new BufferedImage(Math.max(w, 4), Math.max(h, 4), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            Color paper = gray(style.paper());
            Color ink = gray(style.ink());
            g.setColor(paper);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.translate(pad, pad);
            g.setColor(ink);
            g.fill(s);
            if (style.outline() > 0) {
                g.setStroke(new BasicStroke(style.outline(), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(s);
            } else if (style.outline() < 0) {
                g.setColor(paper);
                g.setStroke(new BasicStroke(-style.outline(), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(s);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The digit as an ink map (1 = ink) on a grid with a margin. */
    public static FloatGrid inkOf(Font face, int digit, Style style, int margin) {
        return inkOf(face, String.valueOf((char) ('0' + digit)), style, margin);
    }

    /** {@code text} as an ink map (1 = ink) on a grid with a margin. */
    public static FloatGrid inkOf(Font face, String text, Style style, int margin) {
        Style plain = new Style(
                style.pixelSize(),
                style.slant(),
                style.rotationDegrees(),
                style.widthScale(),
                style.outline(),
                true,
                1f,
                0f);
        BufferedImage img = render(face, text, plain, margin);
        FloatGrid g = new FloatGrid(img.getWidth(), img.getHeight());
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                g.v[y * g.w + x] = 1f - ((rgb >> 8) & 0xff) / 255f;
            }
        }
        return g;
    }

    private static Color gray(float level) {
        int v = Math.round(Math.max(0f, Math.min(1f, level)) * 255);
        return new Color(v, v, v);
    }

    /** A random training style. */
    public static Style randomStyle(SplittableRandom rng) {
        float size = (float) (28 + 140 * rng.nextDouble());
        double slant = rng.nextDouble() < 0.6 ? 0 : (rng.nextDouble() - 0.3) * 0.5;
        double rot = FloatGrid.gaussian(rng) * 3;
        double widthScale = Math.exp((rng.nextDouble() - 0.5) * 0.6);
        float outline = 0f;
        double o = rng.nextDouble();
        if (o < 0.2) {
            outline = (float) (size * (0.02 + 0.06 * rng.nextDouble()));
        } else if (o < 0.3) {
            outline = (float) -(size * 0.02 * rng.nextDouble());
        }
        boolean dark = rng.nextDouble() < 0.7;
        float paper = dark ? (float) (0.8 + 0.2 * rng.nextDouble()) : (float) (0.25 * rng.nextDouble());
        float ink = dark ? (float) (0.3 * rng.nextDouble()) : (float) (0.7 + 0.3 * rng.nextDouble());
        return new Style(size, slant, rot, widthScale, outline, dark, paper, ink);
    }

    /** A random typeset training digit, normalised by the app's normaliser; null if blank. */
    public static float[] randomTraining(List<Font> faces, int digit, SplittableRandom rng) {
        Font face = faces.get(rng.nextInt(faces.size()));
        Style style = randomStyle(rng);
        double view = rng.nextDouble();
        if (view < 0.25) {
            // a print-style digit drawn with a round mouse pen: the glyph's skeleton re-drawn
            Style plain = new Style(64f, style.slant(), style.rotationDegrees(), style.widthScale(), 0f, true, 1f, 0f);
            return Augmenter.penRedraw(inkOf(face, digit, plain, 4), rng, 100 + rng.nextInt(80), 18, 0.6);
        }
        if (view < 0.4) {
            FloatGrid ink = inkOf(face, digit, style, 4);
            if (rng.nextDouble() < 0.5) {
                ink = ink.blur(0.5 + rng.nextDouble());
            }
            return Presentation.normalise(Presentation.lowResScan(
                    ink,
                    9 + 8 * rng.nextDouble(),
                    3 + rng.nextInt(6),
                    rng.nextDouble() < 0.5 ? 0.4 * rng.nextDouble() : 0,
                    0.01 + 0.04 * rng.nextDouble(),
                    rng));
        }
        if (view < 0.52) {
            FloatGrid ink = inkOf(face, digit, style, 2 + rng.nextInt(20));
            if (rng.nextDouble() < 0.5) {
                ink = Augmenter.affine(ink, rng, Math.max(ink.w, ink.h) + 10);
            }
            if (rng.nextDouble() < 0.5) {
                ink = ink.elastic(rng, 0.01 * ink.h * (1 + rng.nextDouble()), 4);
            }
            return Presentation.normalise(Presentation.randomPicture(ink, rng));
        }
        return Presentation.normalise(render(face, digit, style, 1 + rng.nextInt(30)));
    }
}
