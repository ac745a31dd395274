package dev.digitpad.dataset;

import dev.digitpad.contract.ModelContract;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads MNIST's original IDX files (Yann LeCun, Corinna Cortes and Christopher J.C. Burges; CC BY-SA
 * 3.0) into {@link LabelledDigits}, each pixel byte {@code b} becoming {@code b / 255f} (ink bright
 * on dark, row-major).
 *
 * <p>An images file is a big-endian header, magic {@code 0x00000803}, then the count, 28 and 28,
 * followed by the pixels as unsigned bytes; a labels file is magic {@code 0x00000801}, the count,
 * then one byte per label. A file whose name ends in {@code .gz} is read through gzip; asking for
 * {@code name} finds {@code name} or, failing that, {@code name.gz}.
 *
 * <p>{@code scripts/fetch-mnist.sh} puts all four files in {@code data/mnist/}; the official test
 * set alone is committed, gzipped, in {@code assets/data/mnist/}. The training digits are split by
 * index into training and validation ({@link #trainingSplit}); the test digits are a separate file
 * pair, so they cannot end up in either.
 */
public final class MnistFiles {
    /** The 60,000 training images. */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    /** The labels of the 60,000 training images. */
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    /** The official 10,000 test images. */
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    /** The labels of the official 10,000 test images. */
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    /** How many of the training digits, the last ones by index, {@link #trainingSplit} keeps for validation. */
    public static final int VALIDATION_SIZE = 5_000;

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private static final String FETCH_HINT = "run scripts/fetch-mnist.sh to fetch MNIST's files afresh";

    private MnistFiles() {}

    /** The training digits, split by index into those to train on and those to validate on. */
    public record Split(LabelledDigits train, LabelledDigits validation) {}

    /** MNIST's 60,000 training digits, from {@code dir/train-*-ubyte} (or {@code .gz}). */
    public static LabelledDigits training(Path dir) throws IOException {
        return read(find(dir, TRAIN_IMAGES), find(dir, TRAIN_LABELS));
    }

    /** MNIST's official 10,000 test digits, from {@code dir/t10k-*-ubyte} (or {@code .gz}). */
    public static LabelledDigits test(Path dir) throws IOException {
        return read(find(dir, TEST_IMAGES), find(dir, TEST_LABELS));
    }

    /**
     * The training digits of {@code dir} split into training and validation: the last
     * {@link #VALIDATION_SIZE} by index are the validation digits, all others the training digits
     * (55,000 and 5,000 for MNIST). The same files always give the same split.
     */
    public static Split trainingSplit(Path dir) throws IOException {
        LabelledDigits all = training(dir);
        if (all.size() <= VALIDATION_SIZE) {
            throw new IOException(find(dir, TRAIN_IMAGES) + " holds only " + all.size() + " digits, but the last "
                    + VALIDATION_SIZE + " are kept for validation, so more are needed (MNIST has 60,000; "
                    + FETCH_HINT + ")");
        }
        return split(all, VALIDATION_SIZE);
    }

    /** {@code digits} split by index: the last {@code validationSize} for validation, the rest for training. */
    public static Split split(LabelledDigits digits, int validationSize) {
        if (validationSize < 0 || validationSize > digits.size()) {
            throw new IllegalArgumentException(
                    "cannot keep " + validationSize + " of " + digits.size() + " digits for validation");
        }
        int cut = digits.size() - validationSize;
        return new Split(range(digits, 0, cut), range(digits, cut, digits.size()));
    }

    /** {@code dir/name} if it is a file, else {@code dir/name.gz} if that is; empty when neither is. */
    public static Optional<Path> locate(Path dir, String name) {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) {
            return Optional.of(plain);
        }
        Path gzipped = dir.resolve(name + ".gz");
        return Files.isRegularFile(gzipped) ? Optional.of(gzipped) : Optional.empty();
    }

    /** {@code dir/name} or {@code dir/name.gz}, as {@link #locate}; an error naming both when neither exists. */
    static Path find(Path dir, String name) throws IOException {
        Optional<Path> file = locate(dir, name);
        if (file.isEmpty()) {
            throw new IOException("missing MNIST file: there is neither " + dir.resolve(name) + " nor "
                    + dir.resolve(name + ".gz") + " (" + FETCH_HINT + ", which puts all four files in data/mnist)");
        }
        return file.get();
    }

    /** Reads an images file and its labels file, which must hold the same number of entries. */
    public static LabelledDigits read(Path imagesFile, Path labelsFile) throws IOException {
        List<float[]> images = readImages(imagesFile);
        int[] labels = readLabels(labelsFile);
        if (images.size() != labels.length) {
            throw new IOException(imagesFile + " holds " + images.size() + " images but " + labelsFile + " holds "
                    + labels.length + " labels; they must be a matching pair (" + FETCH_HINT + ")");
        }
        return new LabelledDigits(images, labels);
    }

    /** The images of an IDX images file, each 784 floats in 0..1. */
    static List<float[]> readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int n = header(in, file, IMAGES_MAGIC, "images");
            int rows = in.readInt();
            int cols = in.readInt();
            if (rows != ModelContract.SIDE || cols != ModelContract.SIDE) {
                throw new IOException(file + " holds images of " + rows + "x" + cols + " pixels; MNIST's are "
                        + ModelContract.SIDE + "x" + ModelContract.SIDE + " (" + FETCH_HINT + ")");
            }
            List<float[]> images = new ArrayList<>(n);
            byte[] bytes = new byte[ModelContract.PIXELS];
            for (int i = 0; i < n; i++) {
                readFully(in, bytes, file, n, i, "images");
                float[] image = new float[bytes.length];
                for (int p = 0; p < bytes.length; p++) {
                    image[p] = (bytes[p] & 0xff) / 255f;
                }
                images.add(image);
            }
            requireEnd(in, file, n, "images");
            return images;
        } catch (EOFException e) {
            throw truncated(file, e);
        }
    }

    /** The labels of an IDX labels file, each 0..9. */
    static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int n = header(in, file, LABELS_MAGIC, "labels");
            byte[] bytes = new byte[n];
            readFully(in, bytes, file, n, 0, "labels");
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = bytes[i] & 0xff;
                if (labels[i] > 9) {
                    throw new IOException(file + ": label " + labels[i] + " at index " + i + " is not a digit 0-9 ("
                            + FETCH_HINT + ")");
                }
            }
            requireEnd(in, file, n, "labels");
            return labels;
        } catch (EOFException e) {
            throw truncated(file, e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("missing MNIST file " + file + " (" + FETCH_HINT + ")");
        }
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (!file.getFileName().toString().endsWith(".gz")) {
            return new DataInputStream(raw);
        }
        try {
            return new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16));
        } catch (ZipException e) {
            raw.close();
            throw new IOException(
                    file + " is named .gz but is not gzipped (" + e.getMessage() + "; " + FETCH_HINT + ")");
        } catch (EOFException e) {
            raw.close();
            throw truncated(file, e);
        }
    }

    /** Reads and checks the magic number and the count; returns the count. */
    private static int header(DataInputStream in, Path file, int magic, String what) throws IOException {
        int found = in.readInt();
        if (found != magic) {
            throw new IOException(String.format(
                    Locale.ROOT,
                    "%s is not an MNIST %s file: its magic number is 0x%08X, where 0x%08X is expected (%s)",
                    file,
                    what,
                    found,
                    magic,
                    FETCH_HINT));
        }
        int n = in.readInt();
        if (n < 0) {
            throw new IOException(file + " claims a negative number of " + what + " (" + n + "; " + FETCH_HINT + ")");
        }
        return n;
    }

    /**
     * Fills {@code bytes}, or fails saying how many of the {@code n} entries the file holds;
     * {@code before} entries were read before this call, each {@code perEntry} bytes long.
     */
    private static void readFully(DataInputStream in, byte[] bytes, Path file, int n, int before, String what)
            throws IOException {
        int done = 0;
        while (done < bytes.length) {
            int r = in.read(bytes, done, bytes.length - done);
            if (r < 0) {
                int perEntry = what.equals("images") ? ModelContract.PIXELS : 1;
                long complete = before + done / perEntry;
                throw new IOException(file + " is truncated: its header announces " + n + " " + what
                        + " but it holds only " + complete + " (" + FETCH_HINT + ")");
            }
            done += r;
        }
    }

    /** Fails when there are bytes after the last entry the header announces. */
    private static void requireEnd(DataInputStream in, Path file, int n, String what) throws IOException {
        if (in.read() != -1) {
            throw new IOException(file + " is longer than its header says: there are bytes after its " + n + " " + what
                    + " (" + FETCH_HINT + ")");
        }
    }

    private static IOException truncated(Path file, EOFException e) {
        return new IOException(
                file + " is truncated: it ends inside its header or its gzip stream (" + FETCH_HINT + ")", e);
    }

    private static LabelledDigits range(LabelledDigits digits, int from, int to) {
        List<float[]> images = new ArrayList<>(to - from);
        int[] labels = new int[to - from];
        for (int i = from; i < to; i++) {
            images.add(digits.image(i));
            labels[i - from] = digits.label(i);
        }
        return new LabelledDigits(images, labels);
    }
}
