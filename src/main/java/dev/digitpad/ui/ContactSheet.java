package dev.digitpad.ui;

import dev.digitpad.contract.ModelContract;
import dev.digitpad.imaging.GrayScale;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The history as one picture, in plain Java (no screen needed): a title, then a grid of {@value #COLUMNS} columns, newest
 * first, left to right and top to bottom. Each cell holds the model's 28x28 input drawn as the model's-eye view draws
 * it (grey from the input's minimum, black, to its maximum, white; each input pixel a {@value #SCALE}x{@value #SCALE}
 * square, no smoothing), and under it the digit and its probability ("7 · 98%") and, when the model was not sure,
 * "Not sure". Black text on white.
 */
public final class ContactSheet {
    /** Cells per row. */
    public static final int COLUMNS = 5;
    /** Screen pixels per input pixel. */
    public static final int SCALE = 4;

    static final int THUMBNAIL = ModelContract.SIDE * SCALE;
    static final int MARGIN = 16;
    static final int GAP = 16;
    static final int TITLE_HEIGHT = 32;
    static final int LINE_HEIGHT = 20;
    static final int LABEL_HEIGHT = 2 * LINE_HEIGHT + 4;
    static final int CELL_WIDTH = THUMBNAIL;
    static final int CELL_HEIGHT = THUMBNAIL + LABEL_HEIGHT;
    static final String TITLE = "DigitPad: the last predictions, newest first";

    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font VERDICT_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Color FRAME = new Color(0x999999);

    private ContactSheet() {}

    /** The sheet of {@code entries} (newest first), as an RGB image. */
    public static BufferedImage draw(List<HistoryViewModel.Entry> entries) {
        int n = entries.size();
        BufferedImage sheet = new BufferedImage(width(n), height(n), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            g.setColor(Color.BLACK);
            g.setFont(TITLE_FONT);
            g.drawString(
                    TITLE + " (" + n + ")", MARGIN, MARGIN + g.getFontMetrics().getAscent());
            for (int i = 0; i < n; i++) {
                HistoryViewModel.Entry e = entries.get(i);
                Rectangle cell = thumbnailArea(i);
                g.drawImage(thumbnail(e.input(), SCALE), cell.x, cell.y, null);
                g.setColor(FRAME);
                g.drawRect(cell.x - 1, cell.y - 1, cell.width + 1, cell.height + 1);
                Rectangle label = labelArea(i);
                g.setColor(Color.BLACK);
                centred(g, LABEL_FONT, e.label(), label.x, label.y, label.width);
                centred(g, VERDICT_FONT, e.verdict(), label.x, label.y + LINE_HEIGHT, label.width);
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    /** Writes the sheet of {@code entries} to {@code file} as PNG. */
    public static void write(List<HistoryViewModel.Entry> entries, Path file) throws IOException {
        BufferedImage sheet = draw(entries);
        try (OutputStream out = Files.newOutputStream(file)) {
            if (!ImageIO.write(sheet, "png", out)) {
                throw new IOException("no PNG writer is available");
            }
        }
    }

    /**
     * A 28x28 input as the model's-eye view shows it: grey levels from the input's minimum (black) to its maximum
     * (white), each pixel a {@code scale}x{@code scale} square.
     */
    public static BufferedImage thumbnail(float[] input, int scale) {
        int side = ModelContract.SIDE;
        BufferedImage image = new BufferedImage(side * scale, side * scale, BufferedImage.TYPE_BYTE_GRAY);
        GrayScale grays = GrayScale.of(input);
        var raster = image.getRaster();
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                int level = (int) Math.round(255 * grays.level(input[r * side + c]));
                for (int y = r * scale; y < (r + 1) * scale; y++) {
                    for (int x = c * scale; x < (c + 1) * scale; x++) {
                        raster.setSample(x, y, 0, level);
                    }
                }
            }
        }
        return image;
    }

    static int rows(int entries) {
        return Math.max(1, (entries + COLUMNS - 1) / COLUMNS);
    }

    /** Always {@value #COLUMNS} columns wide, so that the title fits and sheets of any length match. */
    static int width(int entries) {
        return 2 * MARGIN + COLUMNS * CELL_WIDTH + (COLUMNS - 1) * GAP;
    }

    static int height(int entries) {
        int rows = rows(entries);
        return 2 * MARGIN + TITLE_HEIGHT + rows * CELL_HEIGHT + (rows - 1) * GAP;
    }

    /** Where entry {@code i}'s thumbnail is drawn. */
    static Rectangle thumbnailArea(int i) {
        int x = MARGIN + (i % COLUMNS) * (CELL_WIDTH + GAP);
        int y = MARGIN + TITLE_HEIGHT + (i / COLUMNS) * (CELL_HEIGHT + GAP);
        return new Rectangle(x, y, THUMBNAIL, THUMBNAIL);
    }

    /** Where entry {@code i}'s two lines of text are drawn, under its thumbnail. */
    static Rectangle labelArea(int i) {
        Rectangle thumbnail = thumbnailArea(i);
        return new Rectangle(thumbnail.x, thumbnail.y + THUMBNAIL + 4, CELL_WIDTH, LABEL_HEIGHT - 4);
    }

    private static void centred(Graphics2D g, Font font, String text, int x, int top, int width) {
        if (text.isEmpty()) {
            return;
        }
        g.setFont(font);
        FontMetrics m = g.getFontMetrics();
        g.drawString(text, x + (width - m.stringWidth(text)) / 2, top + m.getAscent());
    }
}
