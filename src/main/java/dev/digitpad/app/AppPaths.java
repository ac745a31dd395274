package dev.digitpad.app;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where DigitPad's own files are: the installation folder, set by the launcher, or the source tree. */
final class AppPaths {
    /** Set by bin/digitpad to the distribution's root folder. */
    static final String HOME_PROPERTY = "digitpad.home";

    private AppPaths() {}

    /** The folder of the MNIST model that ships with DigitPad. */
    static Path shippedModel() {
        String home = System.getProperty(HOME_PROPERTY);
        if (home != null) {
            return Path.of(home, "models", "mnist").toAbsolutePath().normalize();
        }
        Path source = Path.of("assets", "models", "mnist");
        return (Files.isDirectory(source) ? source : Path.of("models", "mnist")).toAbsolutePath().normalize();
    }
}
