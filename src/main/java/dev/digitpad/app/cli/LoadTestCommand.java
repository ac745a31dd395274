package dev.digitpad.app.cli;

import dev.digitpad.app.shared.AppPaths;
import dev.digitpad.bench.LoadChart;
import dev.digitpad.bench.LoadReport;
import dev.digitpad.bench.LoadRun;
import dev.digitpad.client.ProtocolCase;
import dev.digitpad.inference.BatchingOptions;
import dev.digitpad.server.BatchingParametersFile;
import dev.digitpad.server.ConfigFileException;
import dev.digitpad.server.UnservableModel;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code digitpad loadtest}: gRPC ({@code tensor_content}, {@code float_val}) against REST (rows, columns) over
 * real loopback sockets at several concurrencies, then with batching, in one run; writes a Markdown report and a
 * PNG chart, and prints the report.
 */
@Command(
        name = "loadtest",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Load the model server over loopback gRPC and REST, with and without batching, and report"
                    + " latency percentiles, throughput and the gRPC/REST ratios (Markdown and a PNG chart).",
            "",
            "Exit code 1 if any call failed (the report lists the failures)."
        },
        sortOptions = false)
public final class LoadTestCommand implements Callable<Integer> {

    @Option(names = "--model_base_path", description = "Model to serve (default: the model shipped with DigitPad).")
    Path modelBasePath;

    @Option(
            names = "--concurrency",
            split = ",",
            defaultValue = "1,8,64",
            description = "Calls in flight, one measurement of each case at each (default: ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(
            names = "--seconds",
            defaultValue = "5",
            description = "Length of each measurement (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(
            names = "--warmup_seconds",
            defaultValue = "2",
            description = "Warm-up before each measurement, not counted (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(
            names = "--warmup_round_max_seconds",
            defaultValue = "20",
            description = "After each server start, every case runs once unmeasured for --warmup_seconds, then on while"
                    + " the JIT compilers are busy, for at most this much longer; 0 for --warmup_seconds alone"
                    + " (default: ${DEFAULT-VALUE}).")
    double warmupRoundMaxSeconds;

    @Option(
            names = "--cases",
            split = ",",
            defaultValue = "GRPC_TENSOR_CONTENT,GRPC_FLOAT_VAL,REST_ROWS,REST_COLUMNS",
            description = "Cases to run (default: all: ${DEFAULT-VALUE}).")
    List<ProtocolCase> cases;

    @Option(
            names = "--batching_concurrency",
            defaultValue = "64",
            description =
                    "Concurrency of the runs with batching, after the others; 0 skips them (default: ${DEFAULT-VALUE}).")
    int batchingConcurrency;

    @Option(
            names = "--batching_parameters_file",
            paramLabel = "FILE",
            description = "Batching parameters as for serve --batching_parameters_file (default: max_batch_size 64,"
                    + " batch_timeout_micros 1000, max_enqueued_batches 100, num_batch_threads one per core).")
    Path batchingParametersFile;

    @Mixin
    TensorFlowThreadOptions tensorflowThreads = new TensorFlowThreadOptions();

    @Option(
            names = "--report",
            defaultValue = "loadtest/report.md",
            description = "Where to write the Markdown report (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--chart", description = "Where to write the PNG chart (default: beside the report, report.png).")
    Path chart;

    @Spec
    CommandSpec spec;

    /** The results of the last run, for tests. */
    LoadRun.Results results;

    /** The batching the load test uses unless told otherwise: batches as large as the clients can fill. */
    static BatchingOptions defaultBatching() {
        return new BatchingOptions(64, 1000, 100, Runtime.getRuntime().availableProcessors());
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        List<String> problems = new ArrayList<>();
        if (concurrency.stream().anyMatch(c -> c < 1)) {
            problems.add("--concurrency values must be at least 1, got " + concurrency);
        }
        if (seconds <= 0 || warmupSeconds < 0 || warmupRoundMaxSeconds < 0) {
            problems.add(
                    "--seconds must be more than 0, and --warmup_seconds and --warmup_round_max_seconds 0 or more");
        }
        if (batchingConcurrency < 0) {
            problems.add("--batching_concurrency must be 0 (none) or more, got " + batchingConcurrency);
        }
        BatchingOptions batching = defaultBatching();
        if (batchingParametersFile != null) {
            try {
                batching = BatchingParametersFile.read(batchingParametersFile);
            } catch (ConfigFileException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            problems.forEach(err::println);
            return 2;
        }
        // The chart is drawn into an image; no window is opened, so no display is needed.
        System.setProperty("java.awt.headless", "true");
        Path base = modelBasePath != null ? modelBasePath.toAbsolutePath().normalize() : AppPaths.shippedModel();
        Path chartFile = chart != null ? chart : siblingPng(report);
        LoadRun.Settings settings = new LoadRun.Settings(
                base,
                tensorflowThreads.sessionThreads(),
                List.copyOf(concurrency),
                duration(warmupSeconds),
                duration(warmupRoundMaxSeconds),
                duration(seconds),
                List.copyOf(cases),
                batchingConcurrency,
                batching);
        try {
            results = LoadRun.run(settings, commandLine());
        } catch (UnservableModel e) {
            err.println(e.getMessage());
            return 2;
        }

        String markdown =
                LoadReport.markdown(results) + "\n![Latency and throughput](" + relativeTo(report, chartFile) + ")\n";
        Path parent = report.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(report, markdown, StandardCharsets.UTF_8);
        LoadChart.write(results, chartFile);
        PrintWriter out = spec.commandLine().getOut();
        out.println(markdown);
        out.println("Report: " + report.toAbsolutePath());
        out.println("Chart:  " + chartFile.toAbsolutePath());
        out.flush();
        long errors = LoadReport.totalErrors(results);
        if (errors > 0) {
            err.println(errors + " calls failed; the report's Errors section says which and why.");
            return 1;
        }
        return 0;
    }

    private static Duration duration(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    /** The command as typed, for the report; the arguments before the subcommand's name are the launcher's. */
    private String commandLine() {
        List<String> args = spec.commandLine().getParseResult() == null
                ? List.of()
                : spec.commandLine().getParseResult().originalArgs();
        int name = args.indexOf(spec.name());
        List<String> own = name >= 0 ? args.subList(name + 1, args.size()) : args;
        return "digitpad " + spec.name() + (own.isEmpty() ? "" : " " + String.join(" ", own));
    }

    static Path siblingPng(Path report) {
        String name = report.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return report.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".png");
    }

    private static String relativeTo(Path report, Path file) {
        Path dir = report.toAbsolutePath().getParent();
        try {
            return dir == null
                    ? file.toString()
                    : dir.relativize(file.toAbsolutePath()).toString().replace('\\', '/');
        } catch (IllegalArgumentException e) {
            return file.toAbsolutePath().toString();
        }
    }
}
