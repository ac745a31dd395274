package dev.digitpad.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.digitpad.testing.DigitSketches;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.Shape;

/** Every format and pixel layout a user may bring, through to the [1,28,28,1] model input. */
class ImageFilesTest {
    @TempDir
    Path dir;

    private static final BufferedImage SEVEN = DigitSketches.draw(7, 60, 40, 200, 20, true);

    private static float[] reference() {
        return MnistNormalizer.normalize(SEVEN).pixels().orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "gif", "bmp"})
    void losslessFormatsGiveTheSameTensor(String format) throws IOException {
        BufferedImage gray = convert(SEVEN, BufferedImage.TYPE_BYTE_GRAY);
        Path file = dir.resolve("seven." + format);
        assertThat(ImageIO.write(format.equals("gif") ? palette(gray) : gray, format, file.toFile()))
                .isTrue();
        assertThat(tensorOf(file))
                .containsExactly(MnistNormalizer.normalize(gray).pixels().orElseThrow(), within(1e-5f));
    }

    @Test
    void jpegIsCloseDespiteCompression() throws IOException {
        Path file = dir.resolve("seven.jpg");
        ImageIO.write(SEVEN, "jpg", file.toFile());
        float[] got = tensorOf(file);
        double diff = 0;
        float[] want = reference();
        for (int i = 0; i < want.length; i++) {
            diff += Math.abs(got[i] - want[i]);
        }
        assertThat(diff / want.length).isLessThan(0.03);
    }

    @Test
    void rgbaWithInkInTheAlphaChannel() throws IOException {
        BufferedImage rgba = new BufferedImage(280, 280, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 280; y++) {
            for (int x = 0; x < 280; x++) {
                int ink = 255 - (SEVEN.getRGB(x, y) & 0xff);
                rgba.setRGB(x, y, ink << 24); // black ink, transparent paper
            }
        }
        Path file = dir.resolve("transparent.png");
        ImageIO.write(rgba, "png", file.toFile());
        assertThat(tensorOf(file)).containsExactly(reference(), within(0.02f));
    }

    @Test
    void sixteenBitGrayscalePng() throws IOException {
        BufferedImage deep = new BufferedImage(280, 280, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster raster = deep.getRaster();
        for (int y = 0; y < 280; y++) {
            for (int x = 0; x < 280; x++) {
                raster.setSample(x, y, 0, (SEVEN.getRGB(x, y) & 0xff) * 257);
            }
        }
        Path file = dir.resolve("deep.png");
        ImageIO.write(deep, "png", file.toFile());
        assertThat(ImageFiles.read(file).getColorModel().getComponentSize(0)).isEqualTo(16);
        assertThat(tensorOf(file)).containsExactly(reference(), within(0.02f));
    }

    @Test
    void standardInputAndOtherStreams() throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(SEVEN, "png", png);
        BufferedImage read = ImageFiles.read(new ByteArrayInputStream(png.toByteArray()), "standard input");
        assertThat(read.getWidth()).isEqualTo(280);
    }

    @Test
    void theTensorIsShaped1x28x28x1() throws IOException {
        Path file = dir.resolve("seven.png");
        ImageIO.write(SEVEN, "png", file.toFile());
        FloatNdArray tensor = ModelInput.tensor(
                MnistNormalizer.normalize(ImageFiles.read(file)).pixels().orElseThrow());
        assertThat(tensor.shape()).isEqualTo(Shape.of(1, 28, 28, 1));
        assertThat(ModelInput.pixels(tensor)).containsExactly(reference(), within(1e-5f));
    }

    @Test
    void corruptTruncatedEmptyAndForeignFilesAreNamed() throws IOException {
        Path random = Files.write(dir.resolve("random.png"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertThatThrownBy(() -> ImageFiles.read(random))
                .hasMessage(random + " is not an image DigitPad can read; use PNG," + " JPEG, GIF or BMP.");

        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(SEVEN, "png", png);
        byte[] whole = png.toByteArray();
        Path truncated = Files.write(dir.resolve("truncated.png"), java.util.Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> ImageFiles.read(truncated))
                .hasMessageStartingWith(truncated + " looks like a PNG image but" + " is damaged or truncated");

        Path empty = Files.write(dir.resolve("empty.png"), new byte[0]);
        assertThatThrownBy(() -> ImageFiles.read(empty)).hasMessage(empty + " is empty (0 bytes).");

        Path missing = dir.resolve("missing.png");
        assertThatThrownBy(() -> ImageFiles.read(missing)).hasMessage(missing + " does not exist.");
    }

    @Test
    void hugeAndTinyImagesAreRefusedBeforeDecoding() throws IOException {
        Path huge = dir.resolve("huge.png");
        ImageIO.write(new BufferedImage(4001, 10, BufferedImage.TYPE_BYTE_BINARY), "png", huge.toFile());
        assertThatThrownBy(() -> ImageFiles.read(huge))
                .hasMessageContaining("is 4001x10 pixels; DigitPad reads images up to" + " 4000x4000");
        Path tiny = dir.resolve("tiny.png");
        ImageIO.write(new BufferedImage(7, 7, BufferedImage.TYPE_BYTE_GRAY), "png", tiny.toFile());
        assertThatThrownBy(() -> ImageFiles.read(tiny)).hasMessageContaining("too small to hold a digit");
        Path largest = dir.resolve("largest.png");
        ImageIO.write(new BufferedImage(4000, 4000, BufferedImage.TYPE_BYTE_BINARY), "png", largest.toFile());
        assertThat(ImageFiles.read(largest).getWidth()).isEqualTo(4000);
    }

    @Test
    void aBlankImageIsNothingToRecognise() throws IOException {
        Path blank = dir.resolve("blank.png");
        BufferedImage white = new BufferedImage(280, 280, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = white.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, 280, 280);
        g.dispose();
        ImageIO.write(white, "png", blank.toFile());
        assertThat(MnistNormalizer.normalize(ImageFiles.read(blank)).isEmpty()).isTrue();
    }

    private static float[] tensorOf(Path file) throws IOException {
        return MnistNormalizer.normalize(ImageFiles.read(file)).pixels().orElseThrow();
    }

    private static BufferedImage convert(BufferedImage source, int type) {
        BufferedImage out = new BufferedImage(source.getWidth(), source.getHeight(), type);
        out.getGraphics().drawImage(source, 0, 0, null);
        return out;
    }

    /** The same gray levels through a 256-entry palette. */
    private static BufferedImage palette(BufferedImage gray) {
        byte[] levels = new byte[256];
        for (int i = 0; i < 256; i++) {
            levels[i] = (byte) i;
        }
        BufferedImage indexed = new BufferedImage(
                gray.getWidth(),
                gray.getHeight(),
                BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(8, 256, levels, levels, levels));
        indexed.getRaster().setRect(gray.getRaster());
        return indexed;
    }
}
