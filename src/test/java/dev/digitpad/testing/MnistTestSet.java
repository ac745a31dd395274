package dev.digitpad.testing;

import dev.digitpad.dataset.LabelledDigits;
import dev.digitpad.dataset.MnistFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * MNIST's official 10,000 test digits, committed gzipped in {@code assets/data/mnist/} and put on the test class
 * path by the pom (as {@code /mnist/t10k-images-idx3-ubyte.gz} and {@code /mnist/t10k-labels-idx1-ubyte.gz}).
 */
public final class MnistTestSet {
    private MnistTestSet() {}

    /** The folder on the test class path that holds the committed test set. */
    public static Path folder() {
        URL images = MnistTestSet.class.getResource("/mnist/" + MnistFiles.TEST_IMAGES + ".gz");
        if (images == null) {
            throw new IllegalStateException("missing test resource /mnist/" + MnistFiles.TEST_IMAGES
                    + ".gz: the pom puts assets/data on the test class path");
        }
        try {
            return Path.of(images.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The 10,000 test digits, read afresh. */
    public static LabelledDigits digits() {
        try {
            return MnistFiles.test(folder());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
