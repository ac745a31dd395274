package dev.digitpad.app.shared;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Where the launchers' log file goes on each desktop, and that it gets what is logged. Writes only under @TempDir. */
class LogFileTest {
    @TempDir
    Path dir;

    @AfterEach
    void detach() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var appender = root.getAppender(LogFile.APPENDER);
        if (appender != null) {
            root.detachAppender(appender);
            appender.stop();
        }
    }

    @Test
    void linuxUsesTheXdgDataFolderOrItsDefault() {
        assertThat(LogFile.folder("Linux", Map.of(), "/home/ada"))
                .isEqualTo(Path.of("/home/ada/.local/share/DigitPad/logs"));
        assertThat(LogFile.folder("Linux", Map.of("XDG_DATA_HOME", "/data/ada"), "/home/ada"))
                .isEqualTo(Path.of("/data/ada/DigitPad/logs"));
        // The XDG rules: relative or empty values are ignored.
        assertThat(LogFile.folder("Linux", Map.of("XDG_DATA_HOME", "data"), "/home/ada"))
                .isEqualTo(Path.of("/home/ada/.local/share/DigitPad/logs"));
        assertThat(LogFile.folder("Linux", Map.of("XDG_DATA_HOME", " "), "/home/ada"))
                .isEqualTo(Path.of("/home/ada/.local/share/DigitPad/logs"));
    }

    @Test
    void macOsUsesLibraryLogs() {
        assertThat(LogFile.folder("Mac OS X", Map.of("XDG_DATA_HOME", "/data"), "/Users/ada"))
                .isEqualTo(Path.of("/Users/ada/Library/Logs/DigitPad"));
    }

    @Test
    void windowsUsesLocalAppData() {
        // Path.of here is the test machine's, so the folders are written with forward slashes.
        assertThat(LogFile.folder("Windows 11", Map.of("LOCALAPPDATA", "/c/Users/ada/AppData/Local"), "/c/Users/ada"))
                .isEqualTo(Path.of("/c/Users/ada/AppData/Local/DigitPad/logs"));
        assertThat(LogFile.folder("Windows 11", Map.of(), "/c/Users/ada"))
                .isEqualTo(Path.of("/c/Users/ada/AppData/Local/DigitPad/logs"));
    }

    @Test
    void theFileGetsWhatIsLoggedWithDateAndLevel() throws Exception {
        Path folder = dir.resolve("a/new/folder");
        Path file = LogFile.start(folder);

        LoggerFactory.getLogger(LogFileTest.class).info("a line for the file");

        assertThat(file).isEqualTo(folder.resolve("digitpad.log").toAbsolutePath());
        assertThat(LogFile.current()).contains(file);
        assertThat(Files.readString(file))
                .containsPattern(
                        "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[.*\\] LogFileTest - a line for the file");
    }

    @Test
    void startingAgainReplacesTheFileRatherThanWritingTwice() throws Exception {
        Path first = LogFile.start(dir.resolve("first"));
        Path second = LogFile.start(dir.resolve("second"));

        LoggerFactory.getLogger(LogFileTest.class).warn("only in the second");

        assertThat(Files.readString(first)).doesNotContain("only in the second");
        assertThat(Files.readString(second)).containsOnlyOnce("only in the second");
    }

    @Test
    void withoutTheLaunchersPropertyThereIsNoFile() {
        assertThat(System.getProperty(LogFile.PROPERTY)).isNull();
        assertThat(LogFile.startIfAsked()).isEmpty();
    }
}
