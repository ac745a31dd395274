package dev.digitpad.app.cli;

import dev.digitpad.app.shared.AppPaths;
import dev.digitpad.bench.LoadRun;
import dev.digitpad.bench.ClosedLoop;
import dev.digitpad.bench.LoadClients;

import dev.digitpad.imaging.MnistNormalizer;
import dev.digitpad.imaging.ModelInput;
import java.awt.image.BufferedImage;
import dev.digitpad.bench.ClosedLoop.Figures;
import dev.digitpad.inference.Lease;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.RunAdmission;
import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.SavedModelServable;
import dev.digitpad.inference.Servable;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.inference.SessionThreads;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.server.ModelServer;
import dev.digitpad.server.ServingCore;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorProto;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code digitpad benchmark}: Predict over real loopback gRPC at several concurrencies, next to the same
 * model run straight through tensorflow-java in the same process, so that the serving overhead is the
 * difference between two figures from one run. The served paths (serving core and gRPC) serve the model as
 * {@code digitpad serve} does by default, each version's runs bounded.
 */
@Command(name = "benchmark",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Measure Predict latency and throughput over loopback gRPC against in-process tensorflow-java.")
public final class BenchmarkCommand implements Callable<Integer> {

    @Option(names = "--model_base_path", description = "Model to measure (default: the model shipped with DigitPad).")
    Path modelBasePath;

    private static final String MODEL = "benchmark";

    @Spec
    CommandSpec spec;

    @Mixin
    TensorFlowThreadOptions tensorflowThreads = new TensorFlowThreadOptions();

    /** Every measurement of the last run, in the order of the report: for tests. */
    List<Figures> results = List.of();

    @Option(names = "--concurrency", split = ",", defaultValue = "1,32",
            description = "Calls in flight, one measurement each (default: ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(names = "--seconds", defaultValue = "10", description = "Length of each measurement (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup_seconds", defaultValue = "3", description = "Warm-up before each measurement (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--warmup_max_seconds", defaultValue = "20",
            description = "Each warm-up goes on after --warmup_seconds while the JIT compilers are busy, for at most this"
                    + " much longer; 0 for --warmup_seconds alone (default: ${DEFAULT-VALUE}).")
    int warmupMaxSeconds;

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || warmupSeconds < 0 || warmupMaxSeconds < 0
                || concurrency.stream().anyMatch(c -> c < 1)) {
            spec.commandLine().getErr().println("--seconds must be 1 or more, --warmup_seconds and --warmup_max_seconds 0"
                    + " or more, and --concurrency values 1 or more");
            return 2;
        }
        Path base = modelBasePath != null ? modelBasePath.toAbsolutePath() : AppPaths.shippedModel();
        try {
            return run(base);
        } catch (LoadRun.UnservableModel e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
    }

    private int run(Path base) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        results = new ArrayList<>();
        SessionThreads threads = tensorflowThreads.sessionThreads();
        Map<String, TensorProto> inputs;
        // The baseline: the model straight through tensorflow-java, with no serving code in the way.
        try (ModelManager models = manager(base, ServableLoader.savedModels(threads));
                Lease lease = models.acquire(MODEL, OptionalLong.empty())) {
            if (!(lease.servable() instanceof SavedModelServable servable)) {
                throw new IllegalStateException("the benchmark needs a SavedModel");
            }
            inputs = exampleInputs(LoadRun.defaultSignature(servable.signatures(), base, "the benchmark"));
            try (SavedModelServable.DirectRun direct = servable.directRun(Servable.DEFAULT_SIGNATURE, inputs)) {
                results.add(measure("tensorflow-java in-process", 1, n -> () -> direct.run()));
            }
        }
        BufferedImage canvas = LoadRun.canvasWithDigit();
        results.add(measure("image to tensor (280x280 canvas, imaging)", 1, n -> () ->
                ModelInput.tensor(MnistNormalizer.normalize(canvas).pixels().orElseThrow())));
        // The served paths: the model as `digitpad serve` serves it by default, each version's runs bounded, so that
        // the difference from the baseline is what a user of `serve` pays.
        RunAdmission.Options admissionOptions = RunAdmission.Options.defaults();
        String memory;
        try (RunAdmission admission = new RunAdmission(admissionOptions);
                ModelManager models = manager(base, admission.limiting(ServableLoader.savedModels(threads)))) {
            long rssBefore = residentMiB();
            long callsBefore = results.stream().mapToLong(Figures::calls).sum();
            ServingCore core = new ServingCore(models);
            PredictRequest request = PredictRequest.newBuilder()
                    .setModelSpec(ModelSpec.newBuilder().setName(MODEL)).putAllInputs(inputs).build();
            results.add(measure("serving core in-process (checks, protos)", 1, n -> () ->
                    core.predict(request, RunLimits.NONE)));
            try (ModelServer server = ModelServer.start(core, new ModelServer.Options(
                    ModelServer.Options.LOOPBACK, 0, 0, ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES, Duration.ofSeconds(30)))) {
                ManagedChannel channel = NettyChannelBuilder.forAddress(ModelServer.Options.LOOPBACK, server.grpcPort())
                        .usePlaintext().build();
                try {
                    PredictionServiceGrpc.PredictionServiceBlockingStub stub = PredictionServiceGrpc.newBlockingStub(channel);
                    for (int c : concurrency) {
                        results.add(measure("gRPC Predict over loopback", c, n -> () ->
                                stub.withDeadlineAfter(10, TimeUnit.SECONDS).predict(request)));
                    }
                } finally {
                    channel.shutdown().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
            long served = results.stream().mapToLong(Figures::calls).sum() - callsBefore;
            memory = String.format(Locale.ROOT, "resident %d MiB with the served model loaded, %d MiB after %d calls"
                    + " through the serving core and the server (warm-ups not counted)", rssBefore, residentMiB(), served);
        }
        report(out, base, threads, admissionOptions, memory);
        return 0;
    }

    private static ModelManager manager(Path base, ServableLoader loader) throws LoadRun.UnservableModel {
        ModelManager models = new ModelManager(List.of(new ModelManager.ModelConfig(MODEL, base)), loader, Duration.ZERO);
        try {
            models.pollNow();
            LoadRun.requireServable(models, MODEL, base);
        } catch (LoadRun.UnservableModel | RuntimeException e) {
            models.close();
            throw e;
        }
        return models;
    }

    private Figures measure(String what, int threads, IntFunction<Runnable> callFactory) throws Exception {
        Duration least = Duration.ofSeconds(warmupSeconds);
        Figures figures = ClosedLoop.measure(what, threads,
                ClosedLoop.Warmup.untilJitQuiet(least, least.plusSeconds(warmupMaxSeconds)), Duration.ofSeconds(seconds),
                client -> {
                    Runnable call = callFactory.apply(client);
                    return call::run;
                });
        if (figures.allErrors() > 0) {
            throw new IllegalStateException(what + ": " + figures.allErrors() + " calls failed, for example "
                    + figures.errorKinds().getFirst() + "; the figures would not be comparable");
        }
        return figures;
    }

    private void report(PrintWriter out, Path base, SessionThreads threads, RunAdmission.Options admission, String memory) {
        out.printf(Locale.ROOT, "Model: %s (signature %s), %d cores%n", base, Servable.DEFAULT_SIGNATURE,
                Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "TensorFlow threads: intra-op %d, inter-op %d. Served paths: as `digitpad serve` serves by"
                + " default (%s)%n%n", threads.intraOp(), threads.interOp(), admission.describe());
        out.println("| path | concurrency | calls | p50 (us) | p99 (us) | calls/s |");
        out.println("|---|---:|---:|---:|---:|---:|");
        for (Figures f : results) {
            out.printf(Locale.ROOT, "| %s | %d | %d | %.1f | %.1f | %.0f |%n", f.what(), f.concurrency(), f.calls(),
                    f.percentileMicros(50), f.percentileMicros(99), f.perSecond());
        }
        Figures direct = results.get(0);
        results.stream().filter(f -> f.concurrency() == 1 && f.what().startsWith("gRPC")).findFirst().ifPresent(grpc -> out.printf(
                Locale.ROOT, "%nServing overhead at concurrency 1: p50 %.1f us (gRPC %.1f us - in-process %.1f us), %.2fx%n",
                grpc.percentileMicros(50) - direct.percentileMicros(50), grpc.percentileMicros(50),
                direct.percentileMicros(50), grpc.percentileMicros(50) / direct.percentileMicros(50)));
        out.printf(Locale.ROOT, "%nServer process memory: %s%n", memory);
        out.flush();
    }

    /** The process's resident memory in MiB, from /proc (Linux), or -1 where that is not available. */
    static long residentMiB() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** One example for each input of the signature, batch 1, in tensor_content: the load test's example. */
    static Map<String, TensorProto> exampleInputs(SignatureDef signature) {
        LoadClients.Example example = LoadRun.example(signature);
        Map<String, TensorProto> inputs = new LinkedHashMap<>();
        example.values().forEach((key, values) -> inputs.put(key, LoadClients.tensor(example.dims().get(key), values, true)));
        return inputs;
    }
}
