package dev.digitpad.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.digitpad.app.shared.AppPaths;
import dev.digitpad.app.shared.Connection;
import dev.digitpad.client.MetadataCache;
import dev.digitpad.client.ModelDescriptions;
import dev.digitpad.client.PredictionClient;
import dev.digitpad.client.PredictionException;
import dev.digitpad.client.ServerAddress;
import dev.digitpad.client.TlsOptions;
import dev.digitpad.client.VersionChoice;
import dev.digitpad.contract.ModelContract;
import dev.digitpad.contract.ModelDescription;
import dev.digitpad.contract.ModelDescriptionText;
import dev.digitpad.inference.SavedModelFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code digitpad inspect}: what a model offers its callers (tag sets, signatures, inputs and outputs), read from its
 * SavedModel files or asked of a server.
 */
@Command(
        name = "inspect",
        versionProvider = VersionProvider.class,
        description = {
            "Show a model's tag sets and signatures (method name, inputs and outputs with dtype and shape),"
                    + " as saved_model_cli show --all does.",
            "",
            "PATH is one SavedModel folder (holding saved_model.pb) or a model's base folder of numbered versions:"
                    + " then each version is shown. The files are read, the model is not loaded.",
            "With --server, the server tells: GetModelStatus for the versions and their states, GetModelMetadata"
                    + " for the signatures (it does not say which tag set the server loaded).",
            "Without PATH or --server, the shipped model is shown."
        },
        sortOptions = false)
public final class InspectCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Parameters(
            arity = "0..1",
            paramLabel = "PATH",
            description = "A SavedModel folder, or a model's base folder of numbered versions.")
    Path path;

    @Option(
            names = "--server",
            paramLabel = "HOST:PORT",
            description = "Ask this TensorFlow Serving compatible server instead: host:port, [ipv6]:port or"
                    + " dns:///name:port.")
    String server;

    @Option(
            names = "--model",
            defaultValue = ModelContract.DEFAULT_MODEL_NAME,
            description = "Model name on the server (default: ${DEFAULT-VALUE}).")
    String model;

    // Not mixinStandardHelpOptions: its --version would clash with the model version below.
    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help message and exit.")
    boolean help;

    @Option(
            names = "--version",
            paramLabel = "N",
            description = "With --server: only this version (default: every version the server has).")
    Long version;

    @Option(
            names = "--label",
            paramLabel = "L",
            description = "With --server: only the version this label names. Not with --version.")
    String label;

    @Option(
            names = "--deadline",
            defaultValue = "10s",
            converter = PredictCommand.DurationConverter.class,
            description = "Deadline of each call to the server, e.g. 500ms, 10s, 1m (default: ${DEFAULT-VALUE}).")
    Duration deadline;

    @ArgGroup(exclusive = false, heading = "TLS (with --server)%n")
    PredictCommand.Tls tls;

    @Option(
            names = "--json",
            description = "Write the same as one JSON document: model, source, origin (FILES or SERVER), versions"
                    + " [version, state, metaGraphs [tags, signatures [key, methodName, inputs, outputs"
                    + " [key, dtype, shape, name]]]]; see the README.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (path != null && server != null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "Give a PATH or --server, not both: PATH reads a SavedModel's files, --server asks a server.");
        }
        if (server == null && (version != null || label != null || tls != null)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--version, --label and the TLS options go with --server; a PATH shows every version in it"
                            + " (give PATH/N for version N alone).");
        }
        ModelDescription description;
        try {
            description = server == null ? fromFiles(path == null ? AppPaths.shippedModel() : path) : fromServer();
        } catch (SavedModelFiles.UnreadableException | PredictionException e) {
            spec.commandLine().getErr().println("inspect: " + e.getMessage());
            return e instanceof PredictionException ? 1 : 2;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(
                json
                        ? JSON.writeValueAsString(description) + System.lineSeparator()
                        : ModelDescriptionText.format(description));
        out.flush();
        return 0;
    }

    /** The description of the SavedModel(s) at {@code path}, from their files alone. */
    static ModelDescription fromFiles(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        List<ModelDescription.Version> versions = SavedModelFiles.read(absolute).stream()
                .map(r -> new ModelDescription.Version(r.version(), null, ModelDescriptions.metaGraphs(r.savedModel())))
                .toList();
        Path named = versions.size() == 1
                        && versions.get(0).version() == null
                        && absolute.getParent() != null
                        && absolute.getFileName().toString().matches("[0-9]+")
                ? absolute.getParent()
                : absolute;
        String name = named.getFileName() == null
                ? absolute.toString()
                : named.getFileName().toString();
        return new ModelDescription(name, absolute.toString(), ModelDescription.Origin.FILES, versions);
    }

    private ModelDescription fromServer() {
        PredictionClient.Options options = new PredictionClient.Options(model, versionChoice(), null, deadline);
        try (Connection connection = remote()) {
            return new PredictionClient(connection.channel(), connection.name(), options, new MetadataCache())
                    .inspect();
        }
    }

    private VersionChoice versionChoice() {
        if (version != null && label != null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--version and --label both choose one version: give one of them, or neither for every version.");
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
        ServerAddress address;
        try {
            address = ServerAddress.parse(server);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--server: " + e.getMessage());
        }
        try {
            return Connection.remote(address, tls == null ? TlsOptions.PLAINTEXT : tls.options());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
