package dev.digitpad.ui;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What Help &gt; About shows: DigitPad's version, the model in use, and where the settings and the log are.
 *
 * @param version the app's version, from the build
 * @param settingsFile where the settings are kept
 * @param logFile the log file, if the launcher asked for one
 */
public record About(String version, Path settingsFile, Optional<Path> logFile) {
    public static final About UNKNOWN = new About("(development build)", null, Optional.empty());

    public String title() {
        return "DigitPad " + version;
    }

    /** The dialog's text, with {@code model} as the status bar shows it ("Model mnist v1"; empty when not connected). */
    public String text(String model) {
        StringBuilder text = new StringBuilder("Draw a digit, see what the model sees, and ask a TensorFlow Serving"
                + " compatible server what it is.\n\n");
        text.append("Version: ").append(version).append('\n');
        text.append(model == null || model.isBlank() ? "No model yet (not connected)" : model)
                .append('\n');
        if (settingsFile != null) {
            text.append("Settings: ").append(settingsFile).append('\n');
        }
        logFile.ifPresent(f -> text.append("Log: ").append(f).append('\n'));
        text.append("Runtime: Java ")
                .append(Runtime.version().feature())
                .append(", JavaFX ")
                .append(System.getProperty("javafx.runtime.version", "?"));
        return text.toString();
    }
}
