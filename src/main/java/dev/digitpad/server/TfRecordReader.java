package dev.digitpad.server;

import dev.digitpad.inference.ServingException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.tensorflow.proto.error.Code;

/**
 * Reads a TFRecord file one record at a time: each record is its length (8 bytes, little-endian), the masked CRC-32C of
 * those 8 bytes, the data, and the masked CRC-32C of the data. Both checksums are checked; a record that is cut short
 * or does not match its checksum is DATA_LOSS, saying which record (counted from 1) and at which byte it starts.
 */
final class TfRecordReader implements AutoCloseable {
    private static final int MASK_DELTA = 0xa282ead8;

    private final Path file;
    private final InputStream in;
    private final long size;
    private long offset;
    private int records;

    TfRecordReader(Path file) throws IOException {
        this.file = file;
        this.size = Files.size(file);
        this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    }

    /** TFRecord's checksum: CRC-32C, rotated right by 15 bits and offset, so that CRCs of CRCs stay well spread. */
    static int maskedCrc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        int value = (int) crc.getValue();
        return ((value >>> 15) | (value << 17)) + MASK_DELTA;
    }

    /**
     * The next record's data, or empty at the end of the file.
     *
     * @throws ServingException DATA_LOSS for a record cut short or whose checksums do not match
     * @throws IOException if the file cannot be read
     */
    Optional<byte[]> next() throws IOException {
        long start = offset;
        byte[] header = new byte[12];
        int read = in.readNBytes(header, 0, header.length);
        if (read == 0) {
            return Optional.empty();
        }
        int number = records + 1;
        if (read < header.length) {
            throw broken(number, start, "is truncated: its header has " + read + " of 12 bytes");
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        long length = h.getLong(0);
        if (h.getInt(8) != maskedCrc32c(header, 0, 8)) {
            throw broken(number, start, "is corrupted: its length does not match its checksum");
        }
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            throw broken(number, start, "is too large: it says it holds " + Long.toUnsignedString(length) + " bytes");
        }
        long left = size - start - header.length;
        if (length + 4 > left) {
            throw broken(
                    number,
                    start,
                    "is truncated: it says it holds " + Long.toUnsignedString(length) + " bytes, but only "
                            + Math.max(0, left - 4) + " follow");
        }
        byte[] data = new byte[(int) length];
        byte[] crc = new byte[4];
        if (in.readNBytes(data, 0, data.length) < data.length || in.readNBytes(crc, 0, 4) < 4) {
            throw new EOFException(file + " became shorter while it was read");
        }
        if (ByteBuffer.wrap(crc).order(ByteOrder.LITTLE_ENDIAN).getInt() != maskedCrc32c(data, 0, data.length)) {
            throw broken(number, start, "is corrupted: its data does not match its checksum");
        }
        offset = start + header.length + length + 4;
        records = number;
        return Optional.of(data);
    }

    private ServingException broken(int number, long at, String what) {
        return new ServingException(
                Code.DATA_LOSS,
                "record " + number + " of " + file + " (at byte " + at + ") " + what
                        + ". Please verify your warmup data is in TFRecord format.");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
