package dev.digitpad.app.shared;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * The log file the launchers ask for ({@code -Ddigitpad.log.file=on}), in addition to standard error: a desktop app
 * started from a menu has no terminal, so this is where a failed start can be read about. It lives in the user's data
 * folder ({@link #folder}), rolls over at 5 MB and keeps three old files. Tests and plain {@code java} runs do not set
 * the property and write no file.
 */
public final class LogFile {
    /** Set to {@code on} by bin/digitpad and the installed launchers. */
    static final String PROPERTY = "digitpad.log.file";

    static final String NAME = "digitpad.log";
    static final String APPENDER = "FILE";

    private static volatile Path current;

    private LogFile() {}

    /** Where the launchers' log goes, per the conventions of each desktop. */
    static Path folder(String osName, Map<String, String> env, String userHome) {
        String os = osName.toLowerCase(Locale.ROOT);
        Path home = Path.of(userHome);
        if (os.startsWith("windows")) {
            Path local = absolute(env.get("LOCALAPPDATA"))
                    .orElse(home.resolve("AppData").resolve("Local"));
            return local.resolve("DigitPad").resolve("logs");
        }
        if (os.startsWith("mac")) {
            return home.resolve("Library").resolve("Logs").resolve("DigitPad");
        }
        Path data =
                absolute(env.get("XDG_DATA_HOME")).orElse(home.resolve(".local").resolve("share"));
        return data.resolve("DigitPad").resolve("logs");
    }

    /** The XDG rule: a relative or empty value is ignored. */
    private static Optional<Path> absolute(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Path p = Path.of(value);
        return p.isAbsolute() ? Optional.of(p) : Optional.empty();
    }

    /**
     * Adds the log file if the launcher asked for it. Call first thing in {@code main}. If the folder cannot be made,
     * says so on standard error and goes on with standard error only.
     */
    public static Optional<Path> startIfAsked() {
        if (!"on".equalsIgnoreCase(System.getProperty(PROPERTY, ""))) {
            return Optional.empty();
        }
        Path folder = folder(System.getProperty("os.name"), System.getenv(), System.getProperty("user.home"));
        try {
            return Optional.of(start(folder));
        } catch (IOException | RuntimeException e) {
            System.err.println("DigitPad: cannot write its log in " + folder + " (" + e.getMessage()
                    + "); logging to standard error only. Check that the folder can be created and written.");
            return Optional.empty();
        }
    }

    /** Adds a rolling file appender for {@code folder}/digitpad.log to the root logger, and returns the file. */
    static Path start(Path folder) throws IOException {
        Files.createDirectories(folder);
        Path file = folder.resolve(NAME).toAbsolutePath();
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            throw new IOException("the logging back end is not Logback");
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n");
        encoder.start();

        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.setFile(file.toString());
        appender.setEncoder(encoder);

        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(appender);
        rolling.setFileNamePattern(folder.resolve("digitpad.%i.log").toString());
        rolling.setMinIndex(1);
        rolling.setMaxIndex(3);
        rolling.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.setMaxFileSize(FileSize.valueOf("5MB"));
        trigger.start();
        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(trigger);
        appender.start();
        if (!appender.isStarted()) {
            throw new IOException("Logback could not open " + file);
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Optional.ofNullable(root.getAppender(APPENDER)).ifPresent(old -> {
            root.detachAppender(old);
            old.stop();
        });
        root.addAppender(appender);
        current = file;
        return file;
    }

    /** The log file in use, if any. */
    public static Optional<Path> current() {
        return Optional.ofNullable(current);
    }
}
