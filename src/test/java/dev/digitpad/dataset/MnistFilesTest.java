package dev.digitpad.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.digitpad.testing.MnistTestSet;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading MNIST's IDX files: the committed test set, every kind of bad file, and the training/validation split. */
class MnistFilesTest {
    @TempDir
    Path dir;

    @Test
    void theCommittedTestSetIsMnistsOfficialTenThousand() throws Exception {
        Path folder = MnistTestSet.folder();
        assertThat(sha256OfGunzipped(folder.resolve("t10k-images-idx3-ubyte.gz")))
                .isEqualTo("0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7");
        assertThat(sha256OfGunzipped(folder.resolve("t10k-labels-idx1-ubyte.gz")))
                .isEqualTo("ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

        LabelledDigits test = MnistFiles.test(folder);
        assertThat(test.size()).isEqualTo(10_000);
        assertThat(test.classCounts()).containsExactly(980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009);
        // bytes / 255: the first test digit is a 7 whose brightest pixels are full ink
        assertThat(test.label(0)).isEqualTo(7);
        float max = 0;
        for (float v : test.image(0)) {
            assertThat(v).isBetween(0f, 1f);
            max = Math.max(max, v);
        }
        assertThat(max).isEqualTo(1f);
    }

    @Test
    void gzippedAndPlainFilesReadAlike() throws IOException {
        byte[] pixels = pixelsEncodingIndex(30);
        byte[] labels = labels(30);
        Path plain = Files.createDirectories(dir.resolve("plain"));
        Path gzipped = Files.createDirectories(dir.resolve("gz"));
        write(plain.resolve(MnistFiles.TEST_IMAGES), images(30, 28, 28, pixels));
        write(plain.resolve(MnistFiles.TEST_LABELS), labelFile(30, labels));
        write(gzipped.resolve(MnistFiles.TEST_IMAGES + ".gz"), images(30, 28, 28, pixels));
        write(gzipped.resolve(MnistFiles.TEST_LABELS + ".gz"), labelFile(30, labels));

        LabelledDigits a = MnistFiles.test(plain);
        LabelledDigits b = MnistFiles.test(gzipped);
        assertThat(a.size()).isEqualTo(30);
        assertThat(a.labels()).containsExactly(b.labels()).containsExactly(toInts(labels));
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.image(i)).containsExactly(b.image(i));
            assertThat(a.image(i)[0]).isEqualTo((pixels[i * 784] & 0xff) / 255f);
        }
    }

    @Test
    void aMissingFileNamesBothNamesAndTheFetchScript() throws IOException {
        write(dir.resolve(MnistFiles.TRAIN_LABELS), labelFile(3, labels(3)));
        assertThatThrownBy(() -> MnistFiles.training(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("missing MNIST file")
                .hasMessageContaining(dir.resolve("train-images-idx3-ubyte").toString())
                .hasMessageContaining(dir.resolve("train-images-idx3-ubyte.gz").toString())
                .hasMessageContaining("scripts/fetch-mnist.sh");
    }

    @Test
    void aWrongMagicNumberSaysWhichFileAndWhatWasExpected() throws IOException {
        // the labels where the images should be
        write(dir.resolve(MnistFiles.TEST_IMAGES), labelFile(3, labels(3)));
        write(dir.resolve(MnistFiles.TEST_LABELS), labelFile(3, labels(3)));
        assertThatThrownBy(() -> MnistFiles.test(dir))
                .hasMessageContaining(dir.resolve(MnistFiles.TEST_IMAGES) + " is not an MNIST images file")
                .hasMessageContaining("0x00000801, where 0x00000803 is expected")
                .hasMessageContaining("scripts/fetch-mnist.sh");

        write(dir.resolve(MnistFiles.TEST_IMAGES), images(3, 28, 28, new byte[3 * 784]));
        write(dir.resolve(MnistFiles.TEST_LABELS), images(3, 28, 28, new byte[3 * 784]));
        assertThatThrownBy(() -> MnistFiles.test(dir))
                .hasMessageContaining(dir.resolve(MnistFiles.TEST_LABELS) + " is not an MNIST labels file")
                .hasMessageContaining("0x00000803, where 0x00000801 is expected");
    }

    @Test
    void imagesThatAreNot28By28AreRefused() throws IOException {
        write(dir.resolve(MnistFiles.TEST_IMAGES), images(2, 32, 32, new byte[2 * 32 * 32]));
        write(dir.resolve(MnistFiles.TEST_LABELS), labelFile(2, labels(2)));
        assertThatThrownBy(() -> MnistFiles.test(dir))
                .hasMessageContaining(dir.resolve(MnistFiles.TEST_IMAGES) + " holds images of 32x32 pixels")
                .hasMessageContaining("MNIST's are 28x28");
    }

    @Test
    void aTruncatedFileSaysHowMuchItHolds() throws IOException {
        byte[] full = images(5, 28, 28, new byte[5 * 784]);
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 784 - 100);
        write(dir.resolve(MnistFiles.TEST_IMAGES), cut);
        write(dir.resolve(MnistFiles.TEST_LABELS), labelFile(5, labels(5)));
        assertThatThrownBy(() -> MnistFiles.test(dir))
                .hasMessageContaining(dir.resolve(MnistFiles.TEST_IMAGES)
                        + " is truncated: its header announces 5 images but it holds only 3");

        byte[] labelsCut = java.util.Arrays.copyOf(labelFile(5, labels(5)), 8 + 2);
        write(dir.resolve(MnistFiles.TEST_IMAGES), full);
        write(dir.resolve(MnistFiles.TEST_LABELS), labelsCut);
        assertThatThrownBy(() -> MnistFiles.test(dir))
                .hasMessageContaining(dir.resolve(MnistFiles.TEST_LABELS)
                        + " is truncated: its header announces 5 labels but it holds only 2");
    }

    @Test
    void aTruncatedGzipStreamOrHeaderIsCalledTruncated() throws IOException {
        Path gz = dir.resolve(MnistFiles.TEST_IMAGES + ".gz");
        write(gz, images(5, 28, 28, pixelsEncodingIndex(5)));
        byte[] compressed = Files.readAllBytes(gz);
        Files.write(gz, java.util.Arrays.copyOf(compressed, compressed.length / 2));
        write(dir.resolve(MnistFiles.TEST_LABELS), labelFile(5, labels(5)));
        assertThatThrownBy(() -> MnistFiles.test(dir))
                .hasMessageContaining(gz + " is truncated")
                .hasMessageContaining("scripts/fetch-mnist.sh");

        Files.write(dir.resolve(MnistFiles.TEST_IMAGES + ".gz"), new byte[0]);
        assertThatThrownBy(() -> MnistFiles.test(dir)).hasMessageContaining(gz + " is truncated");

        Files.delete(gz);
        Files.write(dir.resolve(MnistFiles.TEST_IMAGES), new byte[] {0, 0, 8});
        assertThatThrownBy(() -> MnistFiles.test(dir))
                .hasMessageContaining(dir.resolve(MnistFiles.TEST_IMAGES) + " is truncated");
    }

    @Test
    void aFileNamedGzThatIsNotGzippedIsRefused() throws IOException {
        Files.write(dir.resolve(MnistFiles.TEST_IMAGES + ".gz"), images(1, 28, 28, new byte[784]));
        write(dir.resolve(MnistFiles.TEST_LABELS), labelFile(1, labels(1)));
        assertThatThrownBy(() -> MnistFiles.test(dir)).hasMessageContaining("is named .gz but is not gzipped");
    }

    @Test
    void extraBytesAfterTheLastEntryAreRefused() throws IOException {
        byte[] full = images(2, 28, 28, new byte[2 * 784]);
        write(dir.resolve(MnistFiles.TEST_IMAGES), java.util.Arrays.copyOf(full, full.length + 784));
        write(dir.resolve(MnistFiles.TEST_LABELS), labelFile(2, labels(2)));
        assertThatThrownBy(() -> MnistFiles.test(dir))
                .hasMessageContaining(dir.resolve(MnistFiles.TEST_IMAGES) + " is longer than its header says");
    }

    @Test
    void imageAndLabelCountsMustMatch() throws IOException {
        write(dir.resolve(MnistFiles.TEST_IMAGES), images(4, 28, 28, new byte[4 * 784]));
        write(dir.resolve(MnistFiles.TEST_LABELS), labelFile(3, labels(3)));
        assertThatThrownBy(() -> MnistFiles.test(dir))
                .hasMessageContaining(dir.resolve(MnistFiles.TEST_IMAGES) + " holds 4 images but "
                        + dir.resolve(MnistFiles.TEST_LABELS) + " holds 3 labels")
                .hasMessageContaining("scripts/fetch-mnist.sh");
    }

    @Test
    void aLabelThatIsNotADigitIsRefused() throws IOException {
        byte[] bad = labels(3);
        bad[1] = 10;
        write(dir.resolve(MnistFiles.TEST_IMAGES), images(3, 28, 28, new byte[3 * 784]));
        write(dir.resolve(MnistFiles.TEST_LABELS), labelFile(3, bad));
        assertThatThrownBy(() -> MnistFiles.test(dir))
                .hasMessageContaining(dir.resolve(MnistFiles.TEST_LABELS) + ": label 10 at index 1 is not a digit");
    }

    @Test
    void splitKeepsTheLastDigitsByIndexForValidationAndIsDeterministic() throws IOException {
        int n = 40;
        write(dir.resolve(MnistFiles.TRAIN_IMAGES), images(n, 28, 28, pixelsEncodingIndex(n)));
        write(dir.resolve(MnistFiles.TRAIN_LABELS + ".gz"), labelFile(n, labels(n)));
        LabelledDigits all = MnistFiles.training(dir);

        MnistFiles.Split split = MnistFiles.split(all, 7);
        assertThat(split.train().size()).isEqualTo(33);
        assertThat(split.validation().size()).isEqualTo(7);
        for (int i = 0; i < 33; i++) {
            assertThat(indexOf(split.train().image(i))).isEqualTo(i);
            assertThat(split.train().label(i)).isEqualTo(all.label(i));
        }
        for (int i = 0; i < 7; i++) {
            assertThat(indexOf(split.validation().image(i))).isEqualTo(33 + i);
            assertThat(split.validation().label(i)).isEqualTo(all.label(33 + i));
        }

        MnistFiles.Split again = MnistFiles.split(MnistFiles.training(dir), 7);
        assertThat(again.train().labels()).containsExactly(split.train().labels());
        assertThat(again.validation().labels())
                .containsExactly(split.validation().labels());
        for (int i = 0; i < 7; i++) {
            assertThat(again.validation().image(i))
                    .containsExactly(split.validation().image(i));
        }

        // too few training digits for the 5,000 validation digits
        assertThatThrownBy(() -> MnistFiles.trainingSplit(dir))
                .hasMessageContaining("holds only 40 digits, but the last 5000 are kept for validation");
    }

    @Test
    void theTrainingSplitOfSixtyThousandDigitsIs55000And5000() throws IOException {
        int n = 60_000;
        write(dir.resolve(MnistFiles.TRAIN_IMAGES + ".gz"), images(n, 28, 28, pixelsEncodingIndex(n)));
        write(dir.resolve(MnistFiles.TRAIN_LABELS + ".gz"), labelFile(n, labels(n)));

        MnistFiles.Split split = MnistFiles.trainingSplit(dir);
        assertThat(split.train().size()).isEqualTo(55_000);
        assertThat(split.validation().size())
                .isEqualTo(MnistFiles.VALIDATION_SIZE)
                .isEqualTo(5_000);
        assertThat(indexOf(split.train().image(0))).isZero();
        assertThat(indexOf(split.train().image(54_999))).isEqualTo(54_999);
        assertThat(indexOf(split.validation().image(0))).isEqualTo(55_000);
        assertThat(indexOf(split.validation().image(4_999))).isEqualTo(59_999);
    }

    /** Pixel bytes for n images whose first three pixels spell the image's index (little-endian). */
    private static byte[] pixelsEncodingIndex(int n) {
        byte[] pixels = new byte[n * 784];
        for (int i = 0; i < n; i++) {
            pixels[i * 784] = (byte) i;
            pixels[i * 784 + 1] = (byte) (i >>> 8);
            pixels[i * 784 + 2] = (byte) (i >>> 16);
        }
        return pixels;
    }

    private static int indexOf(float[] image) {
        return Math.round(image[0] * 255) | Math.round(image[1] * 255) << 8 | Math.round(image[2] * 255) << 16;
    }

    private static byte[] labels(int n) {
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) ((i * 7 + 3) % 10);
        }
        return labels;
    }

    private static int[] toInts(byte[] bytes) {
        int[] ints = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ints[i] = bytes[i];
        }
        return ints;
    }

    private static byte[] images(int n, int rows, int cols, byte[] pixels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000803);
        out.writeInt(n);
        out.writeInt(rows);
        out.writeInt(cols);
        out.write(pixels);
        return bytes.toByteArray();
    }

    private static byte[] labelFile(int n, byte[] labels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000801);
        out.writeInt(n);
        out.write(labels);
        return bytes.toByteArray();
    }

    /** Writes {@code content}, gzipped when the name ends in .gz. */
    private static void write(Path file, byte[] content) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream out = file.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(raw) : raw) {
            out.write(content);
        }
    }

    private static String sha256OfGunzipped(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(new GZIPInputStream(Files.newInputStream(file)), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
