package dev.digitpad.bench;

import dev.digitpad.bench.ClosedLoop.Figures;
import dev.digitpad.client.PredictInputs;
import dev.digitpad.imaging.MnistNormalizer;
import dev.digitpad.imaging.ModelInput;
import dev.digitpad.inference.Lease;
import dev.digitpad.inference.RunAdmission;
import dev.digitpad.inference.RunLimits;
import dev.digitpad.inference.SavedModelServable;
import dev.digitpad.inference.Servable;
import dev.digitpad.inference.SessionThreads;
import dev.digitpad.protocol.serving.ModelSpec;
import dev.digitpad.protocol.serving.PredictRequest;
import dev.digitpad.protocol.serving.PredictionServiceGrpc;
import dev.digitpad.server.ModelServer;
import dev.digitpad.server.ServingCore;
import dev.digitpad.server.ServingStack;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorProto;

/**
 * The benchmark behind {@code digitpad benchmark}: Predict over real loopback gRPC at several concurrencies, next to
 * the same model run straight through tensorflow-java in the same process, so that the serving overhead is the
 * difference between two figures from one run. The served paths (serving core and gRPC) serve the model as
 * {@code digitpad serve} does by default, each version's runs bounded.
 */
public final class Benchmark {
    private static final String MODEL = "benchmark";

    /**
     * What to measure.
     *
     * @param warmup the least warm-up before each measurement
     * @param warmupLimit how much longer each warm-up may go on while the JIT compilers are busy; zero for none
     */
    public record Settings(
            Path modelBasePath,
            SessionThreads threads,
            List<Integer> concurrency,
            Duration warmup,
            Duration warmupLimit,
            Duration length) {}

    private final Settings settings;
    private final List<Figures> results = new ArrayList<>();

    private Benchmark(Settings settings) {
        this.settings = settings;
    }

    /**
     * Measures every path and prints the report to {@code out}.
     *
     * @return every measurement, in the order of the report
     * @throws dev.digitpad.server.UnservableModel if the model cannot be served, saying why and what to do
     */
    public static List<Figures> run(Settings settings, PrintWriter out) throws IOException, InterruptedException {
        Benchmark benchmark = new Benchmark(settings);
        benchmark.run(out);
        return List.copyOf(benchmark.results);
    }

    private void run(PrintWriter out) throws IOException, InterruptedException {
        Path base = settings.modelBasePath();
        Map<String, TensorProto> inputs;
        // The baseline: the model straight through tensorflow-java, with no serving code in the way.
        try (ServingStack stack = ServingStack.start(ServingStack.Options.savedModels(MODEL, base, settings.threads())
                        .loadingFirst(LoadRun.pointAtModel(base)));
                Lease lease = stack.models().acquire(MODEL, OptionalLong.empty())) {
            if (!(lease.servable() instanceof SavedModelServable servable)) {
                throw new IllegalStateException("the benchmark needs a SavedModel");
            }
            inputs = exampleInputs(stack.defaultSignature(MODEL, "the benchmark"));
            try (SavedModelServable.DirectRun direct = servable.directRun(Servable.DEFAULT_SIGNATURE, inputs)) {
                results.add(measure("tensorflow-java in-process", 1, n -> () -> direct.run()));
            }
        }
        BufferedImage canvas = LoadRun.canvasWithDigit();
        results.add(measure(
                "image to tensor (280x280 canvas, imaging)",
                1,
                n -> () -> ModelInput.tensor(
                        MnistNormalizer.normalize(canvas).pixels().orElseThrow())));
        // The served paths: the model as `digitpad serve` serves it by default, each version's runs bounded, so that
        // the difference from the baseline is what a user of `serve` pays.
        RunAdmission.Options admissionOptions = RunAdmission.Options.defaults();
        String memory;
        try (ServingStack stack = ServingStack.start(ServingStack.Options.savedModels(MODEL, base, settings.threads())
                .withRunBound(admissionOptions)
                .withNetwork(new ModelServer.Options(
                        ModelServer.Options.LOOPBACK,
                        0,
                        0,
                        ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
                        Duration.ofSeconds(30)))
                .loadingFirst(LoadRun.pointAtModel(base)))) {
            long rssBefore = residentMiB();
            long callsBefore = results.stream().mapToLong(Figures::calls).sum();
            ServingCore core = stack.core();
            PredictRequest request = PredictRequest.newBuilder()
                    .setModelSpec(ModelSpec.newBuilder().setName(MODEL))
                    .putAllInputs(inputs)
                    .build();
            results.add(measure(
                    "serving core in-process (checks, protos)", 1, n -> () -> core.predict(request, RunLimits.NONE)));
            ManagedChannel channel = NettyChannelBuilder.forAddress(ModelServer.Options.LOOPBACK, stack.grpcPort())
                    .usePlaintext()
                    .build();
            try {
                PredictionServiceGrpc.PredictionServiceBlockingStub stub =
                        PredictionServiceGrpc.newBlockingStub(channel);
                for (int c : settings.concurrency()) {
                    results.add(measure(
                            "gRPC Predict over loopback",
                            c,
                            n -> () ->
                                    stub.withDeadlineAfter(10, TimeUnit.SECONDS).predict(request)));
                }
            } finally {
                channel.shutdown().awaitTermination(5, TimeUnit.SECONDS);
            }
            long served = results.stream().mapToLong(Figures::calls).sum() - callsBefore;
            memory = String.format(
                    Locale.ROOT,
                    "resident %d MiB with the served model loaded, %d MiB after %d calls"
                            + " through the serving core and the server (warm-ups not counted)",
                    rssBefore,
                    residentMiB(),
                    served);
        }
        report(out, base, admissionOptions, memory);
    }

    private Figures measure(String what, int threads, IntFunction<Runnable> callFactory) throws InterruptedException {
        Duration least = settings.warmup();
        Figures figures = ClosedLoop.measure(
                what,
                threads,
                ClosedLoop.Warmup.untilJitQuiet(least, least.plus(settings.warmupLimit())),
                settings.length(),
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

    private void report(PrintWriter out, Path base, RunAdmission.Options admission, String memory) {
        SessionThreads threads = settings.threads();
        out.printf(
                Locale.ROOT,
                "Model: %s (signature %s), %d cores%n",
                base,
                Servable.DEFAULT_SIGNATURE,
                Runtime.getRuntime().availableProcessors());
        out.printf(
                Locale.ROOT,
                "TensorFlow threads: intra-op %d, inter-op %d. Served paths: as `digitpad serve` serves by"
                        + " default (%s)%n%n",
                threads.intraOp(),
                threads.interOp(),
                admission.describe());
        out.println("| path | concurrency | calls | p50 (us) | p99 (us) | calls/s |");
        out.println("|---|---:|---:|---:|---:|---:|");
        for (Figures f : results) {
            out.printf(
                    Locale.ROOT,
                    "| %s | %d | %d | %.1f | %.1f | %.0f |%n",
                    f.what(),
                    f.concurrency(),
                    f.calls(),
                    f.percentileMicros(50),
                    f.percentileMicros(99),
                    f.perSecond());
        }
        Figures direct = results.get(0);
        results.stream()
                .filter(f -> f.concurrency() == 1 && f.what().startsWith("gRPC"))
                .findFirst()
                .ifPresent(grpc -> out.printf(
                        Locale.ROOT,
                        "%nServing overhead at concurrency 1: p50 %.1f us (gRPC %.1f us - in-process %.1f us), %.2fx%n",
                        grpc.percentileMicros(50) - direct.percentileMicros(50),
                        grpc.percentileMicros(50),
                        direct.percentileMicros(50),
                        grpc.percentileMicros(50) / direct.percentileMicros(50)));
        out.printf(Locale.ROOT, "%nServer process memory: %s%n", memory);
        out.flush();
    }

    /** The process's resident memory in MiB, from /proc (Linux), or -1 where that is not available. */
    static long residentMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** One example for each input of the signature, batch 1, in tensor_content: the load test's example. */
    static Map<String, TensorProto> exampleInputs(SignatureDef signature) {
        LoadClients.Example example = LoadRun.example(signature);
        Map<String, TensorProto> inputs = new LinkedHashMap<>();
        example.values()
                .forEach((key, values) ->
                        inputs.put(key, PredictInputs.tensor(example.dims().get(key), values, true)));
        return inputs;
    }
}
