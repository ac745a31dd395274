package dev.digitpad.app.cli;

import dev.digitpad.app.shared.AppPaths;
import dev.digitpad.app.shared.Connection;
import dev.digitpad.client.ComparisonChart;
import dev.digitpad.client.ComparisonCsv;
import dev.digitpad.client.PredictionClient;
import dev.digitpad.client.PredictionException;
import dev.digitpad.client.ProtocolCase;
import dev.digitpad.client.ProtocolComparison;
import dev.digitpad.client.ProtocolComparison.CaseFigures;
import dev.digitpad.client.ProtocolComparison.Snapshot;
import dev.digitpad.client.RestPredict;
import dev.digitpad.client.ServerAddress;
import dev.digitpad.client.TlsOptions;
import dev.digitpad.client.VersionChoice;
import dev.digitpad.contract.ModelContract;
import dev.digitpad.dataset.LabelledDigits;
import dev.digitpad.dataset.MnistFiles;
import dev.digitpad.imaging.ImageFiles;
import dev.digitpad.imaging.MnistNormalizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code digitpad compare}: gRPC against REST on one server, for one digit (see {@link ProtocolComparison}); the
 * embedded server, on loopback ports, when no server is named.
 */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Measure gRPC against REST on a TensorFlow Serving compatible server, with one digit: N calls each of gRPC"
                    + " with tensor_content, gRPC with float_val, REST rows (instances) and REST columns (inputs),"
                    + " one call of each case per round, in turn, after uncounted warm-up rounds.",
            "",
            "Without --server DigitPad's embedded server answers, on free loopback ports (gRPC and REST).",
            "The sentence at the end compares medians: gRPC tensor_content against REST rows."
        },
        sortOptions = false)
public final class CompareCommand implements Callable<Integer> {

    @Option(
            names = "--server",
            paramLabel = "HOST:PORT",
            description = "The server's gRPC address (default: the embedded server, on loopback ports).")
    String server;

    @Option(
            names = "--rest",
            paramLabel = "URL",
            description = "The server's REST root, e.g. http://localhost:8501 (default: the --server host, port 8501).")
    String rest;

    @Option(
            names = "--model",
            defaultValue = ModelContract.DEFAULT_MODEL_NAME,
            description = "Model name (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(
            names = "--signature",
            defaultValue = ModelContract.DEFAULT_SIGNATURE,
            description = "Signature (default: ${DEFAULT-VALUE}).")
    String signature;

    @Option(
            names = "--calls",
            paramLabel = "N",
            defaultValue = "" + ProtocolComparison.Settings.DEFAULT_CALLS,
            description = "Measured calls of each case (default: ${DEFAULT-VALUE}).")
    int calls;

    @Option(
            names = "--warmup",
            paramLabel = "ROUNDS",
            defaultValue = "" + ProtocolComparison.Settings.DEFAULT_WARMUP_ROUNDS,
            description = "Rounds before them, not counted (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--image",
            paramLabel = "FILE",
            description = "The digit to send, an image file (default: the first of MNIST's test digits, a 7,"
                    + " shipped with DigitPad).")
    Path image;

    @Option(
            names = "--deadline",
            defaultValue = "10s",
            converter = PredictCommand.DurationConverter.class,
            description = "Deadline of each call (default: ${DEFAULT-VALUE}).")
    Duration deadline;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write the figures as CSV (per case, then every call).")
    Path csv;

    @Option(names = "--chart", paramLabel = "FILE.png", description = "Write the chart of the latencies as PNG.")
    Path chart;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ProtocolComparison.Settings settings;
        try {
            settings = new ProtocolComparison.Settings(calls, warmup, deadline);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (server == null && rest != null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--rest names the REST address of the server of --server; without --server the embedded server"
                            + " is measured on its own loopback ports. Give --server too, or leave out --rest.");
        }
        URI restRoot = restRoot();
        float[] pixels = digit();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PredictionClient.Options options =
                new PredictionClient.Options(model, VersionChoice.LATEST, signature, deadline);
        Snapshot done;
        try (Connection connection = server == null ? Connection.embedded(AppPaths.shippedModel()) : remote();
                ProtocolComparison.Endpoints endpoints = connection.comparisonEndpoints(restRoot)) {
            err.println("Comparing on " + endpoints.server() + " (REST " + endpoints.rest() + "): " + warmup
                    + " warm-up rounds, then " + calls + " calls of each case...");
            err.flush();
            Progress progress = Progress.forStderr(err, calls);
            int[] shown = {0};
            try {
                done = ProtocolComparison.run(settings, endpoints.target(options), pixels, s -> {
                    while (shown[0] < s.roundsDone()) {
                        shown[0]++;
                        progress.step();
                    }
                });
            } catch (PredictionException e) {
                progress.clear();
                err.println("gRPC could not be measured: " + e.getMessage());
                return 1;
            } finally {
                progress.clear();
            }
        }
        print(out, done);
        if (csv != null) {
            ComparisonCsv.write(done, csv);
            out.println("Figures written to " + csv);
        }
        if (chart != null) {
            ComparisonChart.writePng(done, chart);
            out.println("Chart written to " + chart);
        }
        out.flush();
        return done.cases().stream().anyMatch(CaseFigures::measured) ? 0 : 1;
    }

    private URI restRoot() {
        String text = rest != null ? rest : server == null ? null : RestPredict.defaultAddressFor(server);
        if (text == null) {
            return null; // the embedded server's REST port is its own
        }
        try {
            return RestPredict.parseAddress(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rest: " + e.getMessage());
        }
    }

    private Connection remote() {
        try {
            return Connection.remote(ServerAddress.parse(server), TlsOptions.PLAINTEXT);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--server: " + e.getMessage());
        }
    }

    /** The digit of --image, as the model sees it; or MNIST's first test digit. */
    private float[] digit() throws IOException {
        if (image == null) {
            LabelledDigits mnist = MnistFiles.test(AppPaths.mnistTestSet());
            return mnist.image(0);
        }
        try {
            Optional<float[]> pixels =
                    MnistNormalizer.normalize(ImageFiles.read(image)).pixels();
            return pixels.orElseThrow(() -> new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--image: " + image + " is blank (no ink stands out from the background); give an image of a"
                            + " digit."));
        } catch (ImageFiles.UnreadableImageException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--image: " + e.getMessage());
        }
    }

    static void print(PrintWriter out, Snapshot s) {
        out.println("Server: " + s.server() + ", REST at " + s.rest());
        out.println("Input:  " + s.input());
        out.println("Rounds: " + s.warmupRounds() + " warm-up, then " + s.rounds()
                + " measured; each round calls every case once, in turn.");
        out.println();
        out.println(String.format(
                Locale.ROOT,
                "%-24s %7s %6s %9s %9s %9s %10s %10s",
                "case",
                "calls",
                "errors",
                "p50 ms",
                "p90 ms",
                "p99 ms",
                "request B",
                "answer B"));
        for (CaseFigures c : s.cases()) {
            if (!c.measured()) {
                out.println(String.format(
                        Locale.ROOT,
                        "%-24s left out: %s",
                        c.protocolCase().label(),
                        c.leftOut().get()));
                continue;
            }
            out.println(String.format(
                    Locale.ROOT,
                    "%-24s %7d %6d %9.3f %9.3f %9.3f %10d %10d",
                    c.protocolCase().label(),
                    c.calls(),
                    c.errors(),
                    c.percentileMillis(50),
                    c.percentileMillis(90),
                    c.percentileMillis(99),
                    c.requestBytes(),
                    c.responseBytes()));
            if (c.errors() > 0) {
                out.println("    first error: " + c.firstError());
            }
        }
        out.println("Bytes: gRPC counts the serialized protobuf messages (message bytes, without HTTP/2 framing);"
                + " REST the JSON bodies (without HTTP headers).");
        out.println();
        out.println(s.sentence());
        if (s.restLeftOut().isEmpty() && !s.of(ProtocolCase.REST_ROWS).measured()) {
            out.println("REST rows were left out: "
                    + s.of(ProtocolCase.REST_ROWS).leftOut().get());
        }
    }
}
