package dev.digitpad.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.digitpad.app.shared.AppPaths;
import dev.digitpad.app.shared.Connection;
import dev.digitpad.client.Certainty;
import dev.digitpad.client.MetadataCache;
import dev.digitpad.client.OcclusionMap;
import dev.digitpad.client.OcclusionMapper;
import dev.digitpad.client.Prediction;
import dev.digitpad.client.PredictionClient;
import dev.digitpad.client.PredictionException;
import dev.digitpad.client.ServerAddress;
import dev.digitpad.client.TlsOptions;
import dev.digitpad.client.VersionChoice;
import dev.digitpad.contract.ModelContract;
import dev.digitpad.imaging.ImageFiles;
import dev.digitpad.imaging.MnistNormalizer;
import dev.digitpad.imaging.Normalization;
import dev.digitpad.imaging.OcclusionPicture;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code digitpad predict}: which digit each image shows, from the embedded server (the shipped model) or
 * any TensorFlow Serving compatible server.
 */
@Command(
        name = "predict",
        versionProvider = VersionProvider.class,
        description = {
            "Recognise the digit in each image (PNG, JPEG, GIF or BMP; - reads standard input).",
            "",
            "Without --server the shipped model answers, through DigitPad's own server code in this process.",
            "A server with several versions of the model answers with the latest, unless --version or --label"
                    + " chooses another."
        },
        sortOptions = false)
public final class PredictCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(
            arity = "1..*",
            paramLabel = "FILE",
            description = "Images to recognise; - reads one from standard input.")
    List<String> files;

    @Option(
            names = "--server",
            paramLabel = "HOST:PORT",
            description = "A TensorFlow Serving compatible server: host:port, [ipv6]:port or dns:///name:port.")
    String server;

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

    // Not mixinStandardHelpOptions: its --version would clash with the model version below, and picocli then left
    // out --help too.
    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help message and exit.")
    boolean help;

    @Option(
            names = "--version",
            paramLabel = "N",
            description = "A specific model version (default: the latest the server has).")
    Long version;

    @Option(
            names = "--label",
            paramLabel = "L",
            description = {
                "A version label instead, e.g. stable or canary (TensorFlow Serving's version_label; a --model_config_file"
                        + " gives them). Not with --version. The answer says which version it came from."
            })
    String label;

    @Option(
            names = "--deadline",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Deadline of each call, e.g. 500ms, 10s, 1m (default: ${DEFAULT-VALUE}).")
    Duration deadline;

    @ArgGroup(exclusive = false, heading = "TLS (with --server)%n")
    Tls tls;

    @Option(
            names = "--threshold",
            paramLabel = "P",
            defaultValue = "" + Certainty.DEFAULT_THRESHOLD,
            description = {
                "The model is \"not sure\" when its top probability is below this, as in the window;"
                        + " between 0 and 1 (default: ${DEFAULT-VALUE})."
            })
    double threshold;

    @Option(
            names = "--json",
            description =
                    "One JSON object per line: file, digit, confidence, sure, version (label), probabilities (or error).")
    boolean json;

    @Option(names = "--preview", description = "Draw the 28x28 image the model sees, in the terminal.")
    boolean preview;

    @Option(
            names = "--why",
            paramLabel = "PNG",
            description = {
                "Also write why the model chose its digit, as a PNG: an occlusion map (red where blanking the picture"
                        + " lowers the digit's probability: evidence for it; blue: against it) over the 28x28 input,"
                        + " with its colorbar. It costs a few batched Predict calls (170 images at most). One FILE only."
            })
    Path why;

    @Option(
            names = "--parallel",
            defaultValue = "8",
            description = "Images in flight at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static final class Tls {
        @Option(
                names = "--tls",
                required = true,
                description = "Use TLS (the system's trusted CAs unless --ca is given).")
        boolean enabled;

        @Option(
                names = "--ca",
                paramLabel = "PEM",
                description = "CA certificate that signed the server's certificate.")
        Path ca;

        @Option(names = "--cert", paramLabel = "PEM", description = "Client certificate, for mutual TLS.")
        Path cert;

        @Option(names = "--key", paramLabel = "PEM", description = "The client certificate's private key (PKCS#8).")
        Path key;

        TlsOptions options() {
            return new TlsOptions(
                    enabled, Optional.ofNullable(ca), Optional.ofNullable(cert), Optional.ofNullable(key));
        }
    }

    /** The outcome for one file: a prediction, or why there is none; and the --why picture's outcome, if asked. */
    record Outcome(
            String file, Optional<Prediction> prediction, Optional<float[]> pixels, String error, WhyWritten why) {
        Outcome(String file, Optional<Prediction> prediction, Optional<float[]> pixels, String error) {
            this(file, prediction, pixels, error, null);
        }
    }

    /** What --why wrote: the map's cost, or the error that stopped it (then {@code map} is null). */
    record WhyWritten(Path file, OcclusionMap map, int digit, String error) {}

    @Override
    public Integer call() throws Exception {
        if (parallel < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--parallel must be at least 1");
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--threshold must be a probability between 0 and 1 (e.g. 0.6 for 60%), not " + threshold);
        }
        checkWhy();
        PredictionClient.Options options = new PredictionClient.Options(model, versionChoice(), signature, deadline);
        try (Connection connection = server == null ? Connection.embedded(AppPaths.shippedModel()) : remote()) {
            PredictionClient client =
                    new PredictionClient(connection.channel(), connection.name(), options, new MetadataCache());
            return run(client);
        }
    }

    /** A --why that cannot be written is a usage error, before any call: one image, and a file in a folder that exists. */
    private void checkWhy() {
        if (why == null) {
            return;
        }
        if (files.size() != 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--why writes the picture of one image, and " + files.size()
                            + " were given: give one FILE with --why.");
        }
        if (Files.isDirectory(why)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--why " + why + " is a folder: give the PNG file to write, e.g. " + why.resolve("why.png") + ".");
        }
        Path folder = why.toAbsolutePath().getParent();
        if (folder != null && !Files.isDirectory(folder)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--why " + why + ": the folder " + folder
                            + " does not exist. Create it, or write the PNG elsewhere.");
        }
    }

    /** The version asked for by --version or --label, or the latest. */
    private VersionChoice versionChoice() {
        if (version != null && label != null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--version and --label both choose the model's version: give one of them (--version " + version
                            + " or --label " + label + "), not both.");
        }
        try {
            if (label != null) {
                return VersionChoice.label(label);
            }
            return version == null ? VersionChoice.LATEST : VersionChoice.number(version);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), (label != null ? "--label: " : "--version: ") + e.getMessage());
        }
    }

    private Connection remote() {
        ServerAddress address = parse(server);
        try {
            return Connection.remote(address, tls == null ? TlsOptions.PLAINTEXT : tls.options());
        } catch (IllegalArgumentException e) {
            // A CA, certificate or key that cannot be read or used: the message names the file and the fault.
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private ServerAddress parse(String address) {
        try {
            return ServerAddress.parse(address);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--server: " + e.getMessage());
        }
    }

    private int run(PredictionClient client) throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Progress progress = Progress.forStderr(spec.commandLine().getErr(), files.size());
        ExecutorService pool = Executors.newFixedThreadPool(
                Math.min(parallel, files.size()),
                Thread.ofPlatform().name("predict-", 0).daemon().factory());
        int failed = 0;
        try {
            List<Future<Outcome>> outcomes = new ArrayList<>();
            for (String file : files) {
                outcomes.add(pool.submit(() -> {
                    try {
                        return recognise(client, file);
                    } finally {
                        progress.step();
                    }
                }));
            }
            for (Future<Outcome> f : outcomes) {
                Outcome outcome;
                try {
                    outcome = f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
                progress.clear();
                print(out, outcome);
                if (outcome.prediction().isEmpty()
                        || (outcome.why() != null && outcome.why().map() == null)) {
                    failed++;
                }
            }
        } finally {
            pool.shutdownNow();
            progress.clear();
        }
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    private Outcome recognise(PredictionClient client, String file) {
        try {
            BufferedImage image =
                    file.equals("-") ? ImageFiles.read(System.in, "standard input") : ImageFiles.read(Path.of(file));
            Normalization normalized = MnistNormalizer.normalize(image);
            Optional<float[]> pixels = normalized.pixels();
            if (pixels.isEmpty()) {
                return new Outcome(
                        file,
                        Optional.empty(),
                        Optional.empty(),
                        "nothing to recognise: the image is blank (no ink stands out from the background)");
            }
            Prediction prediction = client.predict(pixels.get());
            return new Outcome(
                    file,
                    Optional.of(prediction),
                    pixels,
                    null,
                    why == null ? null : writeWhy(client, pixels.get(), prediction));
        } catch (ImageFiles.UnreadableImageException | PredictionException e) {
            return new Outcome(file, Optional.empty(), Optional.empty(), e.getMessage());
        }
    }

    /** Computes the occlusion map of the predicted digit and writes its picture to --why. */
    private WhyWritten writeWhy(PredictionClient client, float[] pixels, Prediction prediction) {
        int digit = prediction.digit();
        OcclusionMap map;
        try {
            map = new OcclusionMapper(client).map(pixels, () -> false);
        } catch (PredictionException e) {
            return new WhyWritten(why, null, digit, "the map could not be made: " + e.getMessage());
        }
        String title = String.format(Locale.ROOT, "Why %d (%.1f%%)", digit, 100 * prediction.confidence());
        BufferedImage picture = OcclusionPicture.render(pixels, map.of(digit), title);
        try {
            if (!ImageIO.write(picture, "png", why.toFile())) {
                throw new IOException("no PNG writer is available");
            }
        } catch (IOException e) {
            return new WhyWritten(
                    why,
                    null,
                    digit,
                    "cannot write " + why + " (" + e.getMessage() + "). Check that the folder is writable, or give"
                            + " another path.");
        }
        return new WhyWritten(why, map, digit, null);
    }

    private void print(PrintWriter out, Outcome o) {
        if (json) {
            ObjectNode line = JSON.createObjectNode().put("file", o.file());
            if (o.prediction().isPresent()) {
                Prediction p = o.prediction().get();
                line.put("digit", p.digit())
                        .put("confidence", p.confidence())
                        .put("sure", p.certainty(threshold).sure());
                if (p.version() >= 0) {
                    line.put("version", p.version());
                }
                if (!p.label().isEmpty()) {
                    line.put("label", p.label());
                }
                var probabilities = line.putArray("probabilities");
                for (float v : p.probabilities()) {
                    probabilities.add(v);
                }
            } else {
                line.put("error", o.error());
            }
            if (o.why() != null) {
                ObjectNode w = line.putObject("why").put("file", o.why().file().toString());
                if (o.why().map() != null) {
                    w.put("digit", o.why().digit())
                            .put("calls", o.why().map().calls())
                            .put("images", o.why().map().rows())
                            .put("ms", o.why().map().elapsed().toNanos() / 1e6);
                } else {
                    w.put("error", o.why().error());
                }
            }
            out.println(line);
        } else if (o.prediction().isPresent()) {
            Prediction p = o.prediction().get();
            Certainty certainty = p.certainty(threshold);
            StringBuilder line = new StringBuilder(
                    certainty.sure()
                            ? String.format(Locale.ROOT, "%s: %d (%.1f%%)  ", o.file(), p.digit(), 100 * p.confidence())
                            : o.file() + ": not sure: " + certainty.notSureReason() + "  ");
            for (int k = 0; k < p.probabilities().length; k++) {
                line.append(String.format(Locale.ROOT, " %d:%.1f%%", k, 100 * p.probabilities()[k]));
            }
            if (p.fromLogits()) {
                line.append("  (the model answered logits; DigitPad applied softmax)");
            }
            if ((version != null || label != null) && !p.answeredBy().isEmpty()) {
                line.append("  answered by ").append(p.answeredBy());
            }
            out.println(line);
            if (o.why() != null) {
                out.println(whyLine(o.why()));
            }
        } else {
            out.println(o.file() + ": error: " + o.error());
        }
        if (preview && o.pixels().isPresent()) {
            // With --json, standard output stays one JSON object per line.
            PrintWriter to = json ? spec.commandLine().getErr() : out;
            to.print(TerminalPreview.render(o.pixels().get()));
            to.flush();
        }
    }

    private static String whyLine(WhyWritten w) {
        if (w.map() == null) {
            return "why: error: " + w.error();
        }
        return String.format(
                Locale.ROOT,
                "why: wrote %s, the occlusion map of %d: %d images in %d Predict call%s, %.0f ms",
                w.file(),
                w.digit(),
                w.map().rows(),
                w.map().calls(),
                w.map().calls() == 1 ? "" : "s",
                w.map().elapsed().toNanos() / 1e6);
    }

    /** Accepts 500ms, 10s, 2m, or an ISO-8601 duration such as PT10S. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            try {
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                if (v.endsWith("s")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
                }
                if (v.endsWith("m")) {
                    return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
                }
                return Duration.parse(value);
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration; write e.g. 500ms, 10s or 1m");
            }
        }
    }
}
