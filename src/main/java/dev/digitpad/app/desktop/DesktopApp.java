package dev.digitpad.app.desktop;


import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;

/** The JavaFX application; started by {@code dev.digitpad.app.Main} (a launcher that is not an Application, as JavaFX on the class path needs). */
public final class DesktopApp extends Application {
    public static final String MEASURE = "--measure";

    private static volatile boolean failedToStart;

    private Desktop desktop;
    private Measurements measurements;

    @Override
    public void start(Stage stage) {
        UncaughtErrors.install();
        if (getParameters().getRaw().contains(MEASURE)) {
            measurements = new Measurements();
        }
        try {
            desktop = Desktop.open(stage, Desktop.Config.defaults(), measurements);
        } catch (RuntimeException | Error e) {
            // The toolkit is up: say so in a JavaFX dialog, then leave with a failure code.
            failedToStart = true;
            stage.hide();
            StartupFailure.report("DigitPad's window failed while starting.", e, false, StartupFailure.Channel.JAVAFX_DIALOG);
            Platform.exit();
        }
    }

    /** Whether {@link #start} failed (and showed why). */
    public static boolean failedToStart() {
        return failedToStart;
    }

    @Override
    public void stop() {
        if (measurements != null) {
            measurements.report();
        }
        if (desktop != null) {
            desktop.close();
        }
    }
}
