package dev.digitpad.ui;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.stage.Window;

/**
 * Asks the person for a file to open or to save to. The window's is {@link FxFileDialog}, JavaFX's native chooser;
 * tests, which cannot drive a native dialog headless, answer in its place. {@link FileChoosers} sets each request up.
 */
@FunctionalInterface
public interface FileDialog {
    /** The file chosen, or empty if the person cancelled. */
    Optional<Path> choose(Request request, Window owner);

    /** Whether the file is to be read or written. */
    enum Mode {
        OPEN,
        SAVE
    }

    /** A kind of file the dialog offers, such as "PNG image" with {@code *.png}. */
    record Filter(String description, List<String> patterns) {
        public static final Filter ALL = new Filter("All files", List.of("*"));
        public static final Filter IMAGES = new Filter("Images", List.of("*.png", "*.jpg", "*.jpeg", "*.gif", "*.bmp"));
        public static final Filter PNG = new Filter("PNG image", List.of("*.png"));
        public static final Filter CSV = new Filter("CSV file", List.of("*.csv"));
        public static final Filter PEM = new Filter("PEM files", List.of("*.pem", "*.crt", "*.cer", "*.key"));

        public Filter {
            patterns = List.copyOf(patterns);
        }
    }

    /**
     * @param folder where the dialog starts; null for the platform's choice
     * @param fileName the name proposed when saving; null for none
     * @param filters the kinds of file offered, the first selected
     */
    record Request(Mode mode, String title, Path folder, String fileName, List<Filter> filters) {
        public Request {
            filters = List.copyOf(filters);
        }
    }
}
