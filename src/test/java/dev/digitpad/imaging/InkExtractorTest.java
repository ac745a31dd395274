package dev.digitpad.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class InkExtractorTest {

    private static final float[] REFERENCE =
            MnistNormalizer.normalize(TestImages.blackOnWhite()).pixels().orElseThrow();

    private static float[] normalised(BufferedImage img) {
        return MnistNormalizer.normalize(img).pixels().orElseThrow();
    }

    @Test
    void polarityIsDetected() {
        assertThat(InkExtractor.analyse(TestImages.blackOnWhite()).source())
                .isEqualTo(InkExtractor.Source.DARK_ON_LIGHT);
        assertThat(InkExtractor.analyse(TestImages.whiteOnBlack()).source())
                .isEqualTo(InkExtractor.Source.LIGHT_ON_DARK);
        InkImage ink = InkExtractor.extract(TestImages.blackOnWhite());
        assertThat(ink.get(0, 0)).isZero();
        assertThat(ink.max()).isEqualTo(1f);
    }

    @Test
    void transparentPngInkIsItsAlpha() throws IOException {
        BufferedImage drawn = TestImages.sevenOnCanvas(
                BufferedImage.TYPE_INT_ARGB, new Color(0, 0, 0, 0), Color.BLACK, 18f, 60, 50, 170);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(drawn, "png", png);
        BufferedImage read = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));
        assertThat(read.getColorModel().hasAlpha()).isTrue();
        assertThat(InkExtractor.analyse(read).source()).isEqualTo(InkExtractor.Source.ALPHA);
        assertThat(TestImages.meanAbsDiff(normalised(read), REFERENCE)).isLessThan(0.01);
        // white ink on transparent works the same: the colour does not matter, the alpha does
        BufferedImage white = TestImages.sevenOnCanvas(
                BufferedImage.TYPE_INT_ARGB, new Color(255, 255, 255, 0), Color.WHITE, 18f, 60, 50, 170);
        assertThat(TestImages.meanAbsDiff(normalised(white), REFERENCE)).isLessThan(0.01);
    }

    @Test
    void sixteenBitGrayWorks() {
        BufferedImage src = TestImages.blackOnWhite();
        BufferedImage gray16 = new BufferedImage(280, 280, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < 280; y++) {
            for (int x = 0; x < 280; x++) {
                int v = src.getRGB(x, y) & 0xff;
                gray16.getRaster().setSample(x, y, 0, v * 257);
            }
        }
        assertThat(InkExtractor.analyse(gray16).source()).isEqualTo(InkExtractor.Source.DARK_ON_LIGHT);
        assertThat(TestImages.meanAbsDiff(normalised(gray16), REFERENCE)).isLessThan(0.01);
    }

    @Test
    void grayPaletteAndColourImagesWork() {
        BufferedImage src = TestImages.blackOnWhite();
        int[] types = {
            BufferedImage.TYPE_BYTE_GRAY,
            BufferedImage.TYPE_3BYTE_BGR,
            BufferedImage.TYPE_4BYTE_ABGR,
            BufferedImage.TYPE_INT_BGR,
            BufferedImage.TYPE_USHORT_565_RGB
        };
        for (int type : types) {
            BufferedImage img = new BufferedImage(280, 280, type);
            var g = img.createGraphics();
            g.drawImage(src, 0, 0, null);
            g.dispose();
            assertThat(TestImages.meanAbsDiff(normalised(img), REFERENCE))
                    .as("type %d", type)
                    .isLessThan(0.02);
        }
        byte[] levels = new byte[16];
        for (int i = 0; i < 16; i++) {
            levels[i] = (byte) (i * 17);
        }
        BufferedImage indexed = new BufferedImage(
                280, 280, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(4, 16, levels, levels, levels));
        var g = indexed.createGraphics();
        g.drawImage(src, 0, 0, null);
        g.dispose();
        assertThat(TestImages.meanAbsDiff(normalised(indexed), REFERENCE)).isLessThan(0.03);
    }

    @Test
    void colouredInkOnColouredPaper() {
        BufferedImage img = TestImages.sevenOnCanvas(
                BufferedImage.TYPE_INT_RGB, new Color(250, 240, 200), new Color(30, 30, 160), 18f, 60, 50, 170);
        assertThat(TestImages.meanAbsDiff(normalised(img), REFERENCE)).isLessThan(0.02);
    }

    @Test
    void paperNoiseIsNotInk() {
        BufferedImage img = TestImages.blackOnWhite();
        BufferedImage noisy = new BufferedImage(280, 280, BufferedImage.TYPE_INT_RGB);
        SplittableRandom rng = new SplittableRandom(5);
        for (int y = 0; y < 280; y++) {
            for (int x = 0; x < 280; x++) {
                int v = img.getRGB(x, y) & 0xff;
                int paper = (int) Math.round(0.85 * v + rng.nextGaussian() * 6);
                int c = Math.max(0, Math.min(255, paper));
                noisy.setRGB(x, y, (c << 16) | (c << 8) | c);
            }
        }
        Normalization n = MnistNormalizer.normalize(noisy);
        // the crop box hugs the 7, not the whole noisy page
        assertThat(n.cropBox().orElseThrow().width()).isLessThan(200);
        assertThat(TestImages.meanAbsDiff(n.pixels().orElseThrow(), REFERENCE)).isLessThan(0.03);
    }
}
