package dev.digitpad.app.desktop;

import javafx.application.Platform;
import javafx.scene.control.Alert;
import javafx.scene.control.TextArea;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one handler for unexpected errors: logged, and shown in a dialog on the FX thread; the app keeps running. */
final class UncaughtErrors {
    private static final Logger LOG = LoggerFactory.getLogger(UncaughtErrors.class);

    private UncaughtErrors() {}

    static void install() {
        Thread.setDefaultUncaughtExceptionHandler(UncaughtErrors::handle);
    }

    static void handle(Thread thread, Throwable error) {
        LOG.error("Unexpected error in {}", thread.getName(), error);
        try {
            Platform.runLater(() -> show(error));
        } catch (IllegalStateException notRunning) {
            // the FX toolkit is gone (shutting down); the log has it
        }
    }

    private static void show(Throwable error) {
        Alert alert = new Alert(Alert.AlertType.ERROR);
        alert.setTitle("DigitPad");
        alert.setHeaderText("Something unexpected went wrong");
        alert.setContentText(error + "\n\nDigitPad keeps running; your drawing is kept. If this happens again, "
                + "please report it with the details below and the log.");
        java.io.StringWriter trace = new java.io.StringWriter();
        error.printStackTrace(new java.io.PrintWriter(trace));
        TextArea details = new TextArea(trace.toString());
        details.setEditable(false);
        alert.getDialogPane().setExpandableContent(details);
        alert.show();
    }
}
