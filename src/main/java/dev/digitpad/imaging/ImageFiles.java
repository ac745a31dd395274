package dev.digitpad.imaging;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads PNG, JPEG, GIF and BMP images (grayscale, RGB, RGBA, palette, 16-bit) from 8x8 to 4000x4000
 * pixels. The size is checked before anything is decoded, so a huge file cannot exhaust memory, and
 * every failure names the file and says what to do.
 */
public final class ImageFiles {
    public static final int MIN_SIDE = 8;
    public static final int MAX_SIDE = 4000;
    /** Larger files are refused before they are read. */
    public static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    /** An image that cannot be used, with a message naming it. */
    public static final class UnreadableImageException extends IOException {
        private static final long serialVersionUID = 1L;

        public UnreadableImageException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private ImageFiles() {}

    public static BufferedImage read(Path file) throws UnreadableImageException {
        String name = file.toString();
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new UnreadableImageException(
                        name + " is " + size / (1024 * 1024) + " MiB; DigitPad reads images of up to "
                                + MAX_FILE_BYTES / (1024 * 1024) + " MiB. Scale it down first.",
                        null);
            }
            return decode(Files.readAllBytes(file), name);
        } catch (NoSuchFileException e) {
            throw new UnreadableImageException(name + " does not exist.", e);
        } catch (UnreadableImageException e) {
            throw e;
        } catch (IOException e) {
            throw new UnreadableImageException("Cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    /** Reads an image from a stream (standard input, a drop, the clipboard), naming it {@code name} in errors. */
    public static BufferedImage read(InputStream in, String name) throws UnreadableImageException {
        try {
            byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new UnreadableImageException(
                        name + " is larger than " + MAX_FILE_BYTES / (1024 * 1024)
                                + " MiB; DigitPad reads images up to that size.",
                        null);
            }
            return decode(bytes, name);
        } catch (UnreadableImageException e) {
            throw e;
        } catch (IOException e) {
            throw new UnreadableImageException("Cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    private static BufferedImage decode(byte[] bytes, String name) throws UnreadableImageException {
        if (bytes.length == 0) {
            throw new UnreadableImageException(name + " is empty (0 bytes).", null);
        }
        try (ImageInputStream stream = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
            if (!readers.hasNext()) {
                throw new UnreadableImageException(
                        name + " is not an image DigitPad can read; use PNG, JPEG, GIF or BMP.", null);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(stream, true, true);
                String format = reader.getFormatName().toUpperCase(Locale.ROOT);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width > MAX_SIDE || height > MAX_SIDE) {
                    throw new UnreadableImageException(
                            name + " is " + width + "x" + height + " pixels; DigitPad reads images" + " up to "
                                    + MAX_SIDE + "x" + MAX_SIDE + ". Scale it down or crop it to the digit.",
                            null);
                }
                if (width < MIN_SIDE || height < MIN_SIDE) {
                    throw new UnreadableImageException(
                            name + " is " + width + "x" + height + " pixels, too small to hold a"
                                    + " digit; DigitPad needs at least " + MIN_SIDE + "x" + MIN_SIDE + ".",
                            null);
                }
                try {
                    return reader.read(0);
                } catch (IOException | RuntimeException e) {
                    throw new UnreadableImageException(
                            name + " looks like a " + format + " image but is damaged or" + " truncated ("
                                    + e.getMessage() + "). Save it again and retry.",
                            e);
                }
            } finally {
                reader.dispose();
            }
        } catch (UnreadableImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new UnreadableImageException(name + " is damaged or not an image (" + e.getMessage() + ").", e);
        }
    }
}
