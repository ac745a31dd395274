package dev.digitpad.app;

import dev.digitpad.app.cli.BenchmarkCommand;
import dev.digitpad.app.cli.CompareCommand;
import dev.digitpad.app.cli.EvaluateModelCommand;
import dev.digitpad.app.cli.InspectCommand;
import dev.digitpad.app.cli.LoadTestCommand;
import dev.digitpad.app.cli.PredictCommand;
import dev.digitpad.app.cli.ServeCommand;
import dev.digitpad.app.cli.TrainCommand;
import dev.digitpad.app.cli.VersionProvider;
import dev.digitpad.app.desktop.DesktopApp;
import dev.digitpad.app.shared.LogFile;
import dev.digitpad.app.shared.NativeEnvironment;
import java.util.concurrent.Callable;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** DigitPad's command line: {@code digitpad [serve|...]}. Without a subcommand it opens the desktop app. */
@Command(
        name = "digitpad",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Draw a digit, see what the model sees, and ask a TensorFlow Serving compatible server what it is.",
            "",
            "Run without a subcommand to open the desktop app."
        },
        subcommands = {
            ServeCommand.class,
            PredictCommand.class,
            BenchmarkCommand.class,
            LoadTestCommand.class,
            CompareCommand.class,
            TrainCommand.class,
            EvaluateModelCommand.class,
            InspectCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Callable<Integer> {

    @CommandLine.Option(
            names = "--measure",
            description = "Log how long the window and the first prediction take, and"
                    + " the time from each stroke end to the distribution on screen (p50/p95, also on exit).")
    boolean measure;

    public static void main(String[] args) {
        // The log file first, so that it has everything, including a failed start.
        LogFile.startIfAsked();
        // TensorFlow's C++ runtime logs only errors unless told otherwise (DigitPad logs what matters itself).
        NativeEnvironment.setIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code. */
    public static int run(String... args) {
        routeJavaLoggingToSlf4j();
        if (args.length == 0 || (args.length == 1 && args[0].equals(DesktopApp.MEASURE))) {
            // The desktop app, at once: building the command line would load every subcommand's classes first.
            Main main = new Main();
            main.measure = args.length == 1;
            return main.openWindow();
        }
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public Integer call() {
        return openWindow();
    }

    private int openWindow() {
        return DesktopApp.run(measure);
    }

    /** gRPC and Jetty's dependencies log through java.util.logging; send it to the one logging library. */
    static void routeJavaLoggingToSlf4j() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
