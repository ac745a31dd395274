package dev.digitpad.testing;

import com.google.protobuf.MessageLite;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes TFRecord files as TensorFlow's writer does (each record: its length as 8 little-endian bytes, the masked
 * CRC-32C of those, the data, the masked CRC-32C of the data): for the warm-up files of TensorFlow Serving's
 * SavedModels ({@code assets.extra/tf_serving_warmup_requests}).
 */
public final class TfRecordWriter {
    private TfRecordWriter() {}

    /** Where a version's warm-up file goes, relative to its folder. */
    public static final String WARMUP_FILE = "assets.extra/tf_serving_warmup_requests";

    /** Bytes of one record's frame before its data, and after. */
    public static final int HEADER_BYTES = 12;

    public static final int FOOTER_BYTES = 4;

    /** TFRecord's masked CRC-32C. */
    public static int maskedCrc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        int value = (int) crc.getValue();
        return ((value >>> 15) | (value << 17)) + 0xa282ead8;
    }

    /** The records framed one after the other, as a TFRecord file holds them. */
    public static byte[] frame(List<byte[]> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] data : records) {
            ByteBuffer length =
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length);
            out.writeBytes(length.array());
            out.writeBytes(littleEndian(maskedCrc32c(length.array())));
            out.writeBytes(data);
            out.writeBytes(littleEndian(maskedCrc32c(data)));
        }
        return out.toByteArray();
    }

    /** Writes {@code messages} as the warm-up file of the version in {@code versionDir}; returns the file. */
    public static Path writeWarmup(Path versionDir, List<? extends MessageLite> messages) throws IOException {
        return writeWarmupBytes(
                versionDir,
                frame(messages.stream().map(MessageLite::toByteArray).toList()));
    }

    /** Writes {@code bytes} as they are as the warm-up file of the version in {@code versionDir}; returns the file. */
    public static Path writeWarmupBytes(Path versionDir, byte[] bytes) throws IOException {
        Path file = versionDir.resolve(WARMUP_FILE);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return file;
    }

    private static byte[] littleEndian(int value) {
        return ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(value)
                .array();
    }
}
