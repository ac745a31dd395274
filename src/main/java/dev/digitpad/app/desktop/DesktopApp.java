package dev.digitpad.app.desktop;

import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;

/**
 * The JavaFX application. {@code dev.digitpad.app.Main}, a launcher that is not an Application (as JavaFX on the class
 * path needs), starts it through {@link #run}.
 */
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
            StartupFailure.report(
                    "DigitPad's window failed while starting.", e, false, StartupFailure.Channel.JAVAFX_DIALOG);
            Platform.exit();
        }
    }

    /**
     * Opens the window and returns, with the exit code, when it closes. A window that cannot open says why: in a
     * JavaFX dialog if the toolkit started, else in a Swing dialog or on standard error (see {@link StartupFailure}).
     *
     * @param measure whether to log the start-up and stroke-to-screen figures ({@code digitpad --measure})
     */
    public static int run(boolean measure) {
        try {
            Application.launch(DesktopApp.class, measure ? new String[] {MEASURE} : new String[0]);
            // A failure inside the window's start was shown there, in a JavaFX dialog.
            return failedToStart ? 1 : 0;
        } catch (UnsupportedOperationException | IllegalStateException e) {
            // No display, or a toolkit that cannot start: no JavaFX dialog is possible.
            StartupFailure.reportOutsideFx(
                    "DigitPad's window cannot open: " + StartupFailure.reason(e) + ".\n"
                            + "Run it on a desktop (with DISPLAY set), or use a subcommand such as `digitpad predict` or"
                            + " `digitpad serve`; see `digitpad --help`.",
                    e,
                    e instanceof UnsupportedOperationException);
            return 1;
        } catch (RuntimeException | Error e) {
            StartupFailure.reportOutsideFx("DigitPad's window failed while starting.", e, false);
            return 1;
        }
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
