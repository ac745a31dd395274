package dev.digitpad.app;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import javafx.application.Application;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** DigitPad's command line: {@code digitpad [serve|...]}. Without a subcommand it opens the desktop app. */
@Command(name = "digitpad",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {"Draw a digit, see what the model sees, and ask a TensorFlow Serving compatible server what it is.",
                "", "Run without a subcommand to open the desktop app."},
        subcommands = {ServeCommand.class, PredictCommand.class, BenchmarkCommand.class, LoadTestCommand.class, TrainCommand.class,
                EvaluateModelCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--measure", description = "Log how long the window and the first prediction take, and"
            + " the time from each stroke end to the distribution on screen (p50/p95, also on exit).")
    boolean measure;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code. */
    public static int run(String... args) {
        routeJavaLoggingToSlf4j();
        if (args.length == 0 || (args.length == 1 && args[0].equals(DesktopApp.MEASURE))) {
            // The desktop app, at once: building the command line would load every subcommand's classes first.
            Main main = new Main();
            main.measure = args.length == 1;
            return main.openWindow(new PrintWriter(System.err, true));
        }
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public Integer call() {
        return openWindow(spec.commandLine().getErr());
    }

    private int openWindow(PrintWriter err) {
        try {
            Application.launch(DesktopApp.class, measure ? new String[] {DesktopApp.MEASURE} : new String[0]);
            return 0;
        } catch (UnsupportedOperationException | IllegalStateException e) {
            err.println("DigitPad's window cannot open: " + e.getMessage() + "\n"
                    + "Run it on a desktop (with DISPLAY set), or use a subcommand such as `digitpad predict` or"
                    + " `digitpad serve`; see `digitpad --help`.");
            return 1;
        }
    }

    /** gRPC and Jetty's dependencies log through java.util.logging; send it to the one logging library. */
    static void routeJavaLoggingToSlf4j() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    /** The version from the jar's manifest, written there by the build from the pom. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"DigitPad " + (v == null ? "(development build)" : v)};
        }
    }
}
