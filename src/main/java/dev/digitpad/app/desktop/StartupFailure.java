package dev.digitpad.app.desktop;

import dev.digitpad.app.shared.LogFile;
import java.awt.GraphicsEnvironment;
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
public final class StartupFailure {
    private static final Logger LOG = LoggerFactory.getLogger(StartupFailure.class);
    static final String TITLE = "DigitPad could not start";

    /** Where the message goes. */
    enum Channel {
        JAVAFX_DIALOG,
        SWING_DIALOG,
        STANDARD_ERROR
    }

    private StartupFailure() {}

    static Channel channel(boolean fxToolkitRunning, boolean headless) {
        if (fxToolkitRunning) {
            return Channel.JAVAFX_DIALOG;
        }
        return headless ? Channel.STANDARD_ERROR : Channel.SWING_DIALOG;
    }

    /**
     * What happened, where the details are, and what to do next. A dialog adds how to see more; on standard error
     * the user is in a terminal already.
     */
    static String message(String what, Throwable error, Optional<Path> logFile, Channel channel) {
        StringBuilder text = new StringBuilder(what);
        String reason = reason(error);
        if (!what.contains(reason)) {
            text.append("\n\nReason: ").append(reason);
        }
        logFile.ifPresent(
                f -> text.append("\n\nThe details are in the log file:\n").append(f));
        if (channel != Channel.STANDARD_ERROR) {
            text.append("\n\nTry starting DigitPad again. If it fails again, run `digitpad` in a terminal to see the"
                            + " messages, and report the problem with ")
                    .append(logFile.isPresent() ? "the log file." : "those messages.");
        }
        return text.toString();
    }

    /** The innermost cause's message, which is usually the one that says what is wrong. */
    public static String reason(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }

    /**
     * Logs the failure (to the log file and standard error) and shows it through {@code channel}; blocks until a
     * dialog is closed. {@code expected} failures (no display) are logged without a stack trace.
     */
    static void report(String what, Throwable error, boolean expected, Channel channel) {
        String text = message(what, error, LogFile.current(), channel);
        if (expected) {
            LOG.error("{}", text);
        } else {
            LOG.error("{}", text, error);
        }
        switch (channel) {
            case JAVAFX_DIALOG -> showFx(text, error);
            case SWING_DIALOG -> {
                try {
                    SwingUtilities.invokeAndWait(
                            () -> JOptionPane.showMessageDialog(null, text, TITLE, JOptionPane.ERROR_MESSAGE));
                } catch (Exception | Error e) {
                    LOG.warn("Cannot show the error in a dialog either: {}", e.toString());
                }
            }
            case STANDARD_ERROR -> {
                // the log line above is on standard error already
            }
        }
    }

    /** From the launcher thread, after the JavaFX toolkit failed or has shut down. */
    public static void reportOutsideFx(String what, Throwable error, boolean expected) {
        report(what, error, expected, channel(false, GraphicsEnvironment.isHeadless()));
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
