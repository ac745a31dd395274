package dev.digitpad.app.cli;

import dev.digitpad.app.shared.AppPaths;
import dev.digitpad.bench.Benchmark;
import dev.digitpad.bench.ClosedLoop.Figures;
import dev.digitpad.server.UnservableModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code digitpad benchmark}: the flags of {@link Benchmark}, which measures Predict over real loopback gRPC against
 * the same model run straight through tensorflow-java in the same process.
 */
@Command(
        name = "benchmark",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Measure Predict latency and throughput over loopback gRPC against in-process tensorflow-java.")
public final class BenchmarkCommand implements Callable<Integer> {

    @Option(names = "--model_base_path", description = "Model to measure (default: the model shipped with DigitPad).")
    Path modelBasePath;

    @Spec
    CommandSpec spec;

    @Mixin
    TensorFlowThreadOptions tensorflowThreads = new TensorFlowThreadOptions();

    /** Every measurement of the last run, in the order of the report: for tests. */
    List<Figures> results = List.of();

    @Option(
            names = "--concurrency",
            split = ",",
            defaultValue = "1,32",
            description = "Calls in flight, one measurement each (default: ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(
            names = "--seconds",
            defaultValue = "10",
            description = "Length of each measurement (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--warmup_seconds",
            defaultValue = "3",
            description = "Warm-up before each measurement (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(
            names = "--warmup_max_seconds",
            defaultValue = "20",
            description =
                    "Each warm-up goes on after --warmup_seconds while the JIT compilers are busy, for at most this"
                            + " much longer; 0 for --warmup_seconds alone (default: ${DEFAULT-VALUE}).")
    int warmupMaxSeconds;

    @Override
    public Integer call() throws Exception {
        if (seconds < 1
                || warmupSeconds < 0
                || warmupMaxSeconds < 0
                || concurrency.stream().anyMatch(c -> c < 1)) {
            spec.commandLine()
                    .getErr()
                    .println("--seconds must be 1 or more, --warmup_seconds and --warmup_max_seconds 0"
                            + " or more, and --concurrency values 1 or more");
            return 2;
        }
        Path base = modelBasePath != null ? modelBasePath.toAbsolutePath() : AppPaths.shippedModel();
        try {
            results = Benchmark.run(
                    new Benchmark.Settings(
                            base,
                            tensorflowThreads.sessionThreads(),
                            List.copyOf(concurrency),
                            Duration.ofSeconds(warmupSeconds),
                            Duration.ofSeconds(warmupMaxSeconds),
                            Duration.ofSeconds(seconds)),
                    spec.commandLine().getOut());
        } catch (UnservableModel e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
        return 0;
    }
}
