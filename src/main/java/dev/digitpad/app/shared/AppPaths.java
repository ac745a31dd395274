package dev.digitpad.app.shared;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** Where DigitPad's own files are: the installation folder, set by the launcher, or the source tree. */
public final class AppPaths {
    /** Set by bin/digitpad to the distribution's root folder. */
    static final String HOME_PROPERTY = "digitpad.home";

    private AppPaths() {}

    /** The folder of the MNIST model that ships with DigitPad. */
    public static Path shippedModel() {
        return installed(Path.of("models", "mnist"), Path.of("assets", "models", "mnist"));
    }

    /**
     * The folder of MNIST's official 10,000 test digits, shipped gzipped ({@code t10k-images-idx3-ubyte.gz} and
     * {@code t10k-labels-idx1-ubyte.gz}), on which {@code digitpad evaluate-model} scores a model.
     */
    public static Path mnistTestSet() {
        return installed(Path.of("data", "mnist"), Path.of("assets", "data", "mnist"));
    }

    /** The highest numbered version folder under {@code basePath}, if it has one. */
    public static Optional<Path> newestVersion(Path basePath) {
        try (Stream<Path> children = Files.list(basePath)) {
            return children.filter(Files::isDirectory)
                    .filter(p -> p.getFileName().toString().matches("[0-9]{1,18}"))
                    .max((a, b) -> Long.compare(
                            Long.parseLong(a.getFileName().toString()),
                            Long.parseLong(b.getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code inInstallation} under the installation folder when the launcher names one; otherwise {@code inSources}
     * when run from the source tree, or {@code inInstallation} under the working folder.
     */
    private static Path installed(Path inInstallation, Path inSources) {
        String home = System.getProperty(HOME_PROPERTY);
        if (home != null) {
            return Path.of(home).resolve(inInstallation).toAbsolutePath().normalize();
        }
        return (Files.exists(inSources) ? inSources : inInstallation)
                .toAbsolutePath()
                .normalize();
    }
}
