package dev.digitpad.dataset;

import dev.digitpad.contract.ModelContract;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A compact, gzipped, IDX-style file of labelled 28x28 digits: magic {@code 0x00000D1C}, count,
 * 28, 28 (big-endian ints), then per digit one label byte followed by 784 unsigned bytes
 * (value = round(v * 255)).
 */
public final class IdxFiles {
    private static final int MAGIC = 0x00000D1C;

    private IdxFiles() {}

    public static void write(LabelledDigits digits, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream raw = Files.newOutputStream(file);
                DataOutputStream out = new DataOutputStream(new GZIPOutputStream(raw, 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(digits.size());
            out.writeInt(ModelContract.SIDE);
            out.writeInt(ModelContract.SIDE);
            byte[] row = new byte[LabelledDigits.PIXELS];
            for (int i = 0; i < digits.size(); i++) {
                out.writeByte(digits.label(i));
                float[] img = digits.image(i);
                for (int p = 0; p < row.length; p++) {
                    row[p] = (byte) Math.round(Math.max(0f, Math.min(1f, img[p])) * 255f);
                }
                out.write(row);
            }
        }
    }

    public static LabelledDigits read(InputStream source) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(source, 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a DigitPad digits file");
            }
            int n = in.readInt();
            if (in.readInt() != ModelContract.SIDE || in.readInt() != ModelContract.SIDE) {
                throw new IOException(
                        "only " + ModelContract.SIDE + "x" + ModelContract.SIDE + " digits are supported");
            }
            List<float[]> images = new ArrayList<>(n);
            int[] labels = new int[n];
            byte[] row = new byte[LabelledDigits.PIXELS];
            for (int i = 0; i < n; i++) {
                labels[i] = in.readUnsignedByte();
                in.readFully(row);
                float[] img = new float[row.length];
                for (int p = 0; p < row.length; p++) {
                    img[p] = (row[p] & 0xff) / 255f;
                }
                images.add(img);
            }
            return new LabelledDigits(images, labels);
        }
    }

    public static LabelledDigits read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }
}
