package dev.digitpad.app;

import java.awt.GraphicsEnvironment;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Optional;
import javafx.scene.control.Alert;
import javafx.scene.control.TextArea;
import javax.swing.JOptionPane;
import javax.swing.SwingUtilities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A desktop app that fails to start says so where the user can see it: in a JavaFX dialog if the toolkit is up, else
 * in a Swing dialog if there is a display, else on standard error. The message names the log file, so that a start
 * from a menu (no terminal) can still be diagnosed. Never a silent exit.
 */
final class StartupFailure {
    private static final Logger LOG = LoggerFactory.getLogger(StartupFailure.class);
    static final String TITLE = "DigitPad could not start";

    /** Where the message goes. */
    enum Channel { JAVAFX_DIALOG, SWING_DIALOG, STANDARD_ERROR }

    private StartupFailure() {}

    static Channel channel(boolean fxToolkitRunning, boolean headless) {
        if (fxToolkitRunning) {
            return Channel.JAVAFX_DIALOG;
        }
        return headless ? Channel.STANDARD_ERROR : Channel.SWING_DIALOG;
    }

    /** What happened, where the details are, and what to do next. */
    static String message(String what, Throwable error, Optional<Path> logFile) {
        StringBuilder text = new StringBuilder(what);
        String reason = reason(error);
        if (!reason.isEmpty()) {
            text.append("\n\nReason: ").append(reason);
        }
        text.append("\n\n");
        if (logFile.isPresent()) {
            text.append("The details are in the log file:\n").append(logFile.get()).append("\n\n");
        }
        text.append("Try starting DigitPad again. If it fails again, run `digitpad` in a terminal to see the messages,"
                + " and report the problem with ")
                .append(logFile.isPresent() ? "the log file." : "those messages.");
        return text.toString();
    }

    /** The innermost cause's message, which is usually the one that says what is wrong. */
    static String reason(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }

    /** Logs the failure and shows it through {@code channel}. Blocks until a dialog is closed. */
    static void report(String what, Throwable error, Channel channel, PrintStream stderr) {
        LOG.error("{}", what, error);
        String text = message(what, error, LogFile.current());
        switch (channel) {
            case JAVAFX_DIALOG -> showFx(text, error);
            case SWING_DIALOG -> {
                try {
                    SwingUtilities.invokeAndWait(() ->
                            JOptionPane.showMessageDialog(null, text, TITLE, JOptionPane.ERROR_MESSAGE));
                } catch (Exception | Error e) {
                    stderr.println(TITLE + ": " + text);
                }
            }
            case STANDARD_ERROR -> stderr.println(TITLE + ": " + text);
        }
    }

    /** From the launcher thread, after the JavaFX toolkit failed or has shut down. */
    static void reportOutsideFx(String what, Throwable error) {
        report(what, error, channel(false, GraphicsEnvironment.isHeadless()), System.err);
    }

    private static void showFx(String text, Throwable error) {
        Alert alert = new Alert(Alert.AlertType.ERROR);
        alert.setTitle(TITLE);
        alert.setHeaderText(TITLE);
        alert.setContentText(text);
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        TextArea details = new TextArea(trace.toString());
        details.setEditable(false);
        alert.getDialogPane().setExpandableContent(details);
        alert.showAndWait();
    }
}
