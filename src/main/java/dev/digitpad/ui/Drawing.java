package dev.digitpad.ui;

import dev.digitpad.imaging.CropBox;
import dev.digitpad.imaging.InkExtractor;
import dev.digitpad.imaging.InkImage;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;

/**
 * An immutable drawing: an optional loaded image (as ink, dark on light) under a list of strokes. The pad is
 * {@value #SIDE} units square; the screen scales it, so resizing the window keeps the drawing.
 */
public record Drawing(Optional<BufferedImage> background, List<Stroke> strokes) {
    /** Side of the pad in pad units, and of the image rendered for the model. */
    public static final int SIDE = 280;

    public static final Drawing EMPTY = new Drawing(Optional.empty(), List.of());

    public Drawing {
        strokes = List.copyOf(strokes);
    }

    public boolean isBlank() {
        return background.isEmpty() && strokes.isEmpty();
    }

    Drawing with(Stroke stroke) {
        var more = new java.util.ArrayList<>(strokes);
        more.add(stroke);
        return new Drawing(background, more);
    }

    /**
     * A drawing showing a loaded image: its ink (whatever the polarity, transparency or colour of the file) as
     * dark on light, fitted into the pad keeping the aspect ratio.
     */
    static Drawing of(BufferedImage image) {
        InkImage ink = InkExtractor.extract(image);
        BufferedImage paper = new BufferedImage(ink.width(), ink.height(), BufferedImage.TYPE_BYTE_GRAY);
        var raster = paper.getRaster();
        for (int y = 0; y < ink.height(); y++) {
            for (int x = 0; x < ink.width(); x++) {
                raster.setSample(x, y, 0, Math.round(255 * (1 - ink.get(x, y))));
            }
        }
        return new Drawing(Optional.of(paper), List.of());
    }

    /**
     * Whether ink within {@code inkBox} (pad units) is too small to be a digit: less than twice the widest pen
     * that drew it, or a tenth of the pad, along its longer side. A dot, a tap or a speck is; a digit drawn at any
     * sensible size is not. Loaded images are taken as they are.
     */
    boolean tooSmallToRead(CropBox inkBox) {
        if (background.isPresent()) {
            return false;
        }
        double pen = strokes.stream()
                .filter(s -> !s.eraser())
                .mapToDouble(Stroke::width)
                .max()
                .orElse(0);
        return inkBox.longerSide() < Math.max(2 * pen, SIDE / 10.0);
    }

    /**
     * Above this ratio of the pen's width to the drawing's longer side, the strokes are thick for the drawing: the
     * model sees every drawing fitted into 20 px, where such strokes merge into a blob. In MNIST's 10,000 test digits
     * the ratio of stroke width (ink over skeleton length) to longer side has a median of 0.135, and 0.24 at the 95th
     * percentile; the default pen (22) reaches this ratio on a digit under 88 units, a third of the pad.
     */
    static final double THICK_PEN_RATIO = 0.25;

    /**
     * Whether the pen's strokes are thick for the size of what they drew (see {@link #THICK_PEN_RATIO}): the widest
     * pen against the longer side of the box around the strokes, round ends included. Ink too small to read at all
     * (see {@link #tooSmallToRead}) is not counted, nor the eraser's strokes, nor loaded images.
     */
    boolean thickForItsSize() {
        if (background.isPresent()) {
            return false;
        }
        double pen = 0;
        double x0 = SIDE;
        double y0 = SIDE;
        double x1 = 0;
        double y1 = 0;
        for (Stroke s : strokes) {
            if (s.eraser()) {
                continue;
            }
            double r = s.width() / 2;
            pen = Math.max(pen, s.width());
            for (int i = 0; i < s.points(); i++) {
                x0 = Math.min(x0, s.x(i) - r);
                x1 = Math.max(x1, s.x(i) + r);
                y0 = Math.min(y0, s.y(i) - r);
                y1 = Math.max(y1, s.y(i) + r);
            }
        }
        // Only what is on the pad is drawn.
        double longer = Math.max(Math.min(x1, SIDE) - Math.max(x0, 0), Math.min(y1, SIDE) - Math.max(y0, 0));
        if (pen == 0 || longer < Math.max(2 * pen, SIDE / 10.0)) {
            return false;
        }
        return pen > THICK_PEN_RATIO * longer;
    }

    /** The drawing as the model's preprocessing gets it: black ink on white, {@value #SIDE} px square. */
    public BufferedImage render() {
        BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, SIDE, SIDE);
            background.ifPresent(b -> {
                double[] fit = fit(b.getWidth(), b.getHeight());
                g.drawImage(
                        b,
                        (int) Math.round(fit[0]),
                        (int) Math.round(fit[1]),
                        (int) Math.round(fit[2]),
                        (int) Math.round(fit[3]),
                        null);
            });
            for (Stroke s : strokes) {
                g.setColor(s.eraser() ? Color.WHITE : Color.BLACK);
                if (s.points() == 1) {
                    double r = s.width() / 2;
                    g.fill(new Ellipse2D.Double(s.x(0) - r, s.y(0) - r, s.width(), s.width()));
                    continue;
                }
                g.setStroke(new BasicStroke((float) s.width(), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                Path2D.Double path = new Path2D.Double();
                path.moveTo(s.x(0), s.y(0));
                for (int i = 1; i < s.points(); i++) {
                    path.lineTo(s.x(i), s.y(i));
                }
                g.draw(path);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Where an image of the given size goes on the pad: x, y, width, height in pad units. */
    public static double[] fit(double width, double height) {
        double scale = Math.min(SIDE / width, SIDE / height);
        double w = width * scale;
        double h = height * scale;
        return new double[] {(SIDE - w) / 2, (SIDE - h) / 2, w, h};
    }
}
