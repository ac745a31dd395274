package dev.digitpad.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.testing.Distributions;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history's contact sheet, drawn without a screen: its size, each thumbnail where it belongs, its labels. */
class ContactSheetTest {
    @TempDir
    Path dir;

    private static final int SIDE = 28;

    /** An input that is -1 everywhere but {@code +1} at (row, column): one white pixel on black. */
    private static float[] onePixel(int row, int column) {
        float[] input = new float[SIDE * SIDE];
        java.util.Arrays.fill(input, -1f);
        input[row * SIDE + column] = 1f;
        return input;
    }

    private static HistoryViewModel.Entry entry(int digit, float p, boolean sure, int row, int column) {
        return new HistoryViewModel.Entry(
                Drawing.EMPTY, onePixel(row, column), Distributions.probabilities(digit, p), sure);
    }

    private static int gray(BufferedImage image, int x, int y) {
        return image.getRGB(x, y) & 0xff;
    }

    /** How many pixels of {@code area} are darker than mid-grey: the ink of the text written there. */
    private static int ink(BufferedImage image, Rectangle area) {
        int dark = 0;
        for (int y = area.y; y < area.y + area.height; y++) {
            for (int x = area.x; x < area.x + area.width; x++) {
                if (gray(image, x, y) < 128) {
                    dark++;
                }
            }
        }
        return dark;
    }

    @Test
    void fiveColumnsAndAsManyRowsAsTheEntriesNeed() {
        int oneRow = ContactSheet.height(1);
        assertThat(ContactSheet.height(5)).isEqualTo(oneRow);
        assertThat(ContactSheet.height(6)).isGreaterThan(oneRow);
        assertThat(ContactSheet.height(20)).isEqualTo(ContactSheet.height(16)).isGreaterThan(ContactSheet.height(15));
        assertThat(ContactSheet.width(1)).isEqualTo(ContactSheet.width(20));

        BufferedImage sheet = ContactSheet.draw(List.of(entry(7, 0.9f, true, 0, 0)));
        assertThat(sheet.getWidth()).isEqualTo(ContactSheet.width(1));
        assertThat(sheet.getHeight()).isEqualTo(ContactSheet.height(1));
        Rectangle last = ContactSheet.labelArea(19);
        assertThat(last.getMaxX()).isLessThanOrEqualTo(ContactSheet.width(20));
        assertThat(last.getMaxY()).isLessThanOrEqualTo(ContactSheet.height(20));
    }

    @Test
    void eachThumbnailIsTheInputInGreyWithCrispSquarePixelsInItsCell() {
        List<HistoryViewModel.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            entries.add(entry(i, 0.9f, true, 3 * i, 27 - 3 * i)); // a different pixel lit in each
        }

        BufferedImage sheet = ContactSheet.draw(entries);

        int scale = ContactSheet.SCALE;
        for (int i = 0; i < entries.size(); i++) {
            Rectangle cell = ContactSheet.thumbnailArea(i);
            assertThat(cell.width).isEqualTo(SIDE * scale);
            int row = 3 * i;
            int column = 27 - 3 * i;
            for (int dy = 0; dy < scale; dy++) {
                for (int dx = 0; dx < scale; dx++) {
                    assertThat(gray(sheet, cell.x + column * scale + dx, cell.y + row * scale + dy))
                            .as("entry %d: every screen pixel of the lit input pixel is white", i)
                            .isEqualTo(255);
                }
            }
            int otherRow = (row + 14) % SIDE;
            assertThat(gray(sheet, cell.x + column * scale, cell.y + otherRow * scale))
                    .as("entry %d: an unlit input pixel is black", i)
                    .isZero();
            assertThat(gray(sheet, cell.x + ((column + 1) % SIDE) * scale, cell.y + row * scale))
                    .as("entry %d: its neighbour is black: no smoothing", i)
                    .isZero();
        }
        // Row 2's first cell is entry 5 (newest first, five to a row).
        assertThat(ContactSheet.thumbnailArea(5).x).isEqualTo(ContactSheet.thumbnailArea(0).x);
        assertThat(ContactSheet.thumbnailArea(5).y).isGreaterThan(ContactSheet.labelArea(0).y);
    }

    @Test
    void greyLevelsSpanTheInputsRangeAsTheModelsEyeViewDoes() {
        float[] input = onePixel(10, 10);
        input[10 * SIDE + 11] = 0f; // half-way between the minimum and the maximum
        BufferedImage thumbnail = ContactSheet.thumbnail(input, 1);

        assertThat(thumbnail.getRaster().getSample(10, 10, 0)).isEqualTo(255);
        assertThat(thumbnail.getRaster().getSample(11, 10, 0)).isBetween(127, 128);
        assertThat(thumbnail.getRaster().getSample(0, 0, 0)).isZero();
    }

    @Test
    void eachCellIsLabelledAndNotSureEntriesSaySo() {
        List<HistoryViewModel.Entry> entries =
                List.of(entry(7, 0.98f, true, 0, 0), entry(4, 0.41f, false, 0, 0), entry(1, 0.9f, true, 0, 0));

        BufferedImage sheet = ContactSheet.draw(entries);

        for (int i = 0; i < entries.size(); i++) {
            Rectangle label = ContactSheet.labelArea(i);
            Rectangle firstLine = new Rectangle(label.x, label.y, label.width, ContactSheet.LINE_HEIGHT);
            Rectangle secondLine = new Rectangle(
                    label.x, label.y + ContactSheet.LINE_HEIGHT, label.width, label.height - ContactSheet.LINE_HEIGHT);
            assertThat(ink(sheet, firstLine))
                    .as("entry %d's digit and probability", i)
                    .isPositive();
            assertThat(ink(sheet, secondLine) > 0)
                    .as("entry %d has a second line only when not sure", i)
                    .isEqualTo(!entries.get(i).sure());
        }
        assertThat(entries).extracting(HistoryViewModel.Entry::label).containsExactly("7 · 98%", "4 · 41%", "1 · 90%");
        assertThat(entries.get(1).verdict()).isEqualTo(Headline.NOT_SURE);
        assertThat(ink(sheet, ContactSheet.labelArea(3)))
                .as("no fourth entry, no label")
                .isZero();
        assertThat(ink(sheet, new Rectangle(0, 0, sheet.getWidth(), ContactSheet.MARGIN + ContactSheet.TITLE_HEIGHT)))
                .as("the title")
                .isPositive();
    }

    @Test
    void writtenAsAPngFile() throws IOException {
        Path file = dir.resolve("sheet.png");
        List<HistoryViewModel.Entry> entries = List.of(entry(7, 0.98f, true, 5, 6));

        ContactSheet.write(entries, file);

        BufferedImage read = ImageIO.read(file.toFile());
        BufferedImage drawn = ContactSheet.draw(entries);
        assertThat(read.getWidth()).isEqualTo(drawn.getWidth());
        assertThat(read.getHeight()).isEqualTo(drawn.getHeight());
        for (int y = 0; y < drawn.getHeight(); y += 3) {
            for (int x = 0; x < drawn.getWidth(); x += 3) {
                assertThat(read.getRGB(x, y)).isEqualTo(drawn.getRGB(x, y));
            }
        }
    }
}
