package dev.digitpad.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitpad.app.desktop.StartupFailure.Channel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The message of a failed start and where it goes, without a display. */
class StartupFailureTest {
    private static final Path LOG = Path.of("/home/ada/.local/share/DigitPad/logs/digitpad.log");

    @Test
    void theToolkitsDialogWhenItRunsElseSwingWhenThereIsADisplayElseStandardError() {
        assertThat(StartupFailure.channel(true, false)).isEqualTo(Channel.JAVAFX_DIALOG);
        assertThat(StartupFailure.channel(true, true)).isEqualTo(Channel.JAVAFX_DIALOG);
        assertThat(StartupFailure.channel(false, false)).isEqualTo(Channel.SWING_DIALOG);
        assertThat(StartupFailure.channel(false, true)).isEqualTo(Channel.STANDARD_ERROR);
    }

    @Test
    void aDialogSaysWhatHappenedWhyWhereTheLogIsAndWhatToDo() {
        Throwable error = new RuntimeException(
                "Exception in Application start method",
                new IOException("/opt/digitpad/lib/app/models/mnist: no such folder"));
        String text = StartupFailure.message(
                "DigitPad's window failed while starting.", error, Optional.of(LOG), Channel.SWING_DIALOG);
        assertThat(text)
                .startsWith("DigitPad's window failed while starting.")
                .contains("Reason: /opt/digitpad/lib/app/models/mnist: no such folder")
                .contains("The details are in the log file:\n" + LOG)
                .contains("Try starting DigitPad again")
                .endsWith("report the problem with the log file.");
    }

    @Test
    void withoutALogFileItPointsToTheTerminal() {
        String text = StartupFailure.message(
                "DigitPad's window failed while starting.",
                new IllegalStateException(),
                Optional.empty(),
                Channel.JAVAFX_DIALOG);
        assertThat(text)
                .contains("Reason: IllegalStateException")
                .doesNotContain("log file")
                .endsWith(
                        "run `digitpad` in a terminal to see the messages, and report the problem with those messages.");
    }

    @Test
    void onStandardErrorTheReasonIsNotRepeatedAndNoTerminalIsSuggested() {
        Throwable error = new UnsupportedOperationException("Unable to open DISPLAY");
        String text = StartupFailure.message(
                "DigitPad's window cannot open: Unable to open DISPLAY.",
                error,
                Optional.of(LOG),
                Channel.STANDARD_ERROR);
        assertThat(text)
                .isEqualTo("DigitPad's window cannot open: Unable to open DISPLAY.\n\n"
                        + "The details are in the log file:\n" + LOG);
    }
}
