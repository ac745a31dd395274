package dev.digitpad.app.cli;

import dev.digitpad.app.shared.AppPaths;
import dev.digitpad.contract.ModelContract;
import dev.digitpad.inference.BatchingOptions;
import dev.digitpad.inference.RunAdmission;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.server.ConfigFileException;
import dev.digitpad.server.ConfigFiles;
import dev.digitpad.server.GrpcTls;
import dev.digitpad.server.ModelServer;
import dev.digitpad.server.ModelServerConfigs;
import dev.digitpad.server.ServingStack;
import dev.digitpad.server.UnservableModel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code digitpad serve}: the model server on its own, a local drop-in for TensorFlow Serving. Flags are
 * spelled as TensorFlow Serving spells them, and take {@code --flag=value} or {@code --flag value}.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Serve a TensorFlow SavedModel over TensorFlow Serving's gRPC and REST APIs.",
            "",
            "Versions are numbered folders under the base path (<base>/1/saved_model.pb, ...); the highest is"
                    + " served, and new ones are picked up while running. Several models, version policies and"
                    + " labels: --model_config_file."
        },
        sortOptions = false)
public final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = "--port", defaultValue = "8500", description = "gRPC port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--rest_api_port",
            defaultValue = "8501",
            description = "REST port; 0 turns the REST API off (default: ${DEFAULT-VALUE}).")
    int restApiPort;

    @Option(
            names = "--model_name",
            defaultValue = "${env:MODEL_NAME:-" + ModelContract.DEFAULT_MODEL_NAME + "}",
            description = "Name of the model in requests; or set MODEL_NAME (default: ${DEFAULT-VALUE}).")
    String modelName;

    @Option(
            names = "--model_base_path",
            description = "Folder holding the model's numbered versions; or set MODEL_BASE_PATH."
                    + " Default: the model shipped with DigitPad.")
    Path modelBasePath;

    @Option(
            names = "--file_system_poll_wait_seconds",
            defaultValue = "1",
            description = "How often to look for new versions; 0 looks once at start (default: ${DEFAULT-VALUE}).")
    int pollSeconds;

    @Option(
            names = "--model_config_file",
            paramLabel = "FILE",
            description =
                    "Serve several models: a text-format ModelServerConfig with model_config_list { config { name,"
                            + " base_path, model_platform: \"tensorflow\", model_version_policy, version_labels } ... }, as"
                            + " TensorFlow Serving reads it. Relative base paths are taken from the file's folder. Not with"
                            + " --model_name or --model_base_path.")
    Path modelConfigFile;

    @Option(
            names = "--model_config_file_poll_wait_seconds",
            defaultValue = "0",
            description = "How often to re-read --model_config_file and apply what changed; 0 reads it once at start"
                    + " (default: ${DEFAULT-VALUE}).")
    int configPollSeconds;

    @Option(
            names = "--allow_version_labels_for_unavailable_models",
            arity = "0..1",
            fallbackValue = "true",
            defaultValue = "false",
            description = "Let a new version label name a version that is not loaded yet (default: ${DEFAULT-VALUE}).")
    boolean labelsForUnavailable;

    @Mixin
    TensorFlowThreadOptions tensorflowThreads = new TensorFlowThreadOptions();

    @Option(
            names = "--bind_address",
            defaultValue = ModelServer.Options.LOOPBACK,
            description = "Interface to listen on. The default, ${DEFAULT-VALUE}, is reachable from this machine only;"
                    + " 0.0.0.0 opens every interface.")
    String bindAddress;

    @Option(
            names = "--max_request_size_bytes",
            defaultValue = "" + ModelServer.Options.DEFAULT_MAX_REQUEST_BYTES,
            description = "Largest request accepted on either port; larger ones get RESOURCE_EXHAUSTED or HTTP 413"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxRequestBytes;

    @Option(
            names = "--rest_api_timeout_in_ms",
            defaultValue = "30000",
            description = "How long a REST prediction may run (default: ${DEFAULT-VALUE}).")
    long restTimeoutMs;

    @Option(
            names = "--drain_seconds",
            defaultValue = "10",
            description =
                    "On SIGTERM or Ctrl-C, how long calls in flight may take to finish (default: ${DEFAULT-VALUE}).")
    int drainSeconds;

    @Option(
            names = "--ssl_config_file",
            paramLabel = "FILE",
            description =
                    "TLS for the gRPC port: a text-format SSLConfig with server_key, server_cert (PEM) and, for mutual"
                            + " TLS, custom_ca and client_verify: true. Default: plaintext.")
    Path sslConfigFile;

    @Option(
            names = "--monitoring_config_file",
            paramLabel = "FILE",
            description = "Prometheus metrics on the REST port: a text-format MonitoringConfig such as"
                    + " prometheus_config { enable: true, path: \"/monitoring/prometheus/metrics\" }. Default: off.")
    Path monitoringConfigFile;

    @Mixin
    BatchingFlags batching = new BatchingFlags();

    @Option(
            names = "--max_concurrent_runs",
            defaultValue = "0",
            description = "Runs of one model version that execute at once; further calls wait their turn. 0 means one"
                    + " per core (default: ${DEFAULT-VALUE}).")
    int maxConcurrentRuns;

    @Option(
            names = "--max_queued_runs",
            defaultValue = "" + RunAdmission.Options.DEFAULT_QUEUED_RUNS,
            description = "Calls to one model version that may wait for a free run; more get UNAVAILABLE, and a waiting"
                    + " call whose deadline passes gets DEADLINE_EXCEEDED without running (default: ${DEFAULT-VALUE}).")
    int maxQueuedRuns;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Optional<GrpcTls> tls;
        Optional<String> metricsPath;
        Optional<BatchingOptions> batchingOptions;
        RunAdmission.Options admissionOptions;
        ServingStack.Options models;
        try {
            tls = sslConfigFile == null ? Optional.empty() : Optional.of(GrpcTls.fromFile(sslConfigFile));
            metricsPath =
                    monitoringConfigFile == null ? Optional.empty() : ConfigFiles.prometheusPath(monitoringConfigFile);
            if (metricsPath.isPresent() && restApiPort == 0) {
                throw new ConfigFileException("--monitoring_config_file=" + monitoringConfigFile + " enables Prometheus"
                        + " metrics, which are served on the REST port, but --rest_api_port=0 turns REST off. Give"
                        + " --rest_api_port a port, or leave the monitoring config out.");
            }
            checkPorts();
            batchingOptions = batching.options();
            admissionOptions = admissionOptions();
            models = models();
        } catch (ConfigFileException e) {
            spec.commandLine().getErr().println("digitpad serve: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return CommandLine.ExitCode.USAGE;
        }
        log.info("Model runs: {}", admissionOptions.describe());
        ServingStack stack;
        try {
            stack = ServingStack.start(models.pollingEvery(Duration.ofSeconds(pollSeconds))
                    .timingLoads()
                    .withRunBound(admissionOptions)
                    .withBatching(batchingOptions)
                    .withNetwork(new ModelServer.Options(
                            bindAddress,
                            port,
                            restApiPort,
                            maxRequestBytes,
                            Duration.ofMillis(restTimeoutMs),
                            tls,
                            metricsPath)));
        } catch (UnservableModel e) {
            spec.commandLine().getErr().println("digitpad serve: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        } catch (IOException e) {
            // A port in use or an address this machine does not have: the message says which; no stack trace.
            log.debug("The server could not start", e);
            spec.commandLine()
                    .getErr()
                    .println("digitpad serve: " + e.getMessage() + ". Check --port, --rest_api_port and"
                            + " --bind_address: a port takes one server at a time, and the address must be one of this machine's"
                            + " (127.0.0.1, or 0.0.0.0 for all of them).");
            spec.commandLine().getErr().flush();
            return 1;
        }
        // Only once serving: a serve that could not start leaves the process's signals as they were.
        CountDownLatch stopRequested = new CountDownLatch(1);
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), signal -> {
                log.info("Received SIG{}: shutting down", signal.getName());
                stopRequested.countDown();
            });
        }
        if (modelConfigFile != null) {
            log.info(
                    "Serving models {} from --model_config_file={}",
                    stack.models().modelNames(),
                    modelConfigFile);
        } else {
            log.info(
                    "Serving model \"{}\" from {}",
                    modelName,
                    models.models().getFirst().basePath());
        }
        stack.startPolling();
        stopRequested.await();
        stack.stop(Duration.ofSeconds(drainSeconds));
        log.info("Stopped");
        return 0;
    }

    private void checkPorts() {
        if (port < 0 || port > MAX_PORT) {
            throw new ConfigFileException("--port=" + port + " is out of range: give a port from 1 to " + MAX_PORT
                    + " (TensorFlow Serving's is 8500), or 0 for any free one.");
        }
        if (restApiPort < 0 || restApiPort > MAX_PORT) {
            throw new ConfigFileException("--rest_api_port=" + restApiPort + " is out of range: give a port from 1 to "
                    + MAX_PORT + " (TensorFlow Serving's is 8501), or 0 to turn the REST API off.");
        }
        if (port != 0 && port == restApiPort) {
            throw new ConfigFileException("--port and --rest_api_port are both " + port + ": gRPC and REST need a port"
                    + " each. Give them different ports, or --rest_api_port=0 to turn REST off.");
        }
    }

    private static final int MAX_PORT = 65_535;

    private RunAdmission.Options admissionOptions() {
        if (maxConcurrentRuns < 0 || maxConcurrentRuns > RunAdmission.Options.MAX_CONCURRENT_RUNS) {
            throw new ConfigFileException("--max_concurrent_runs=" + maxConcurrentRuns + " is out of range: give 1 to "
                    + RunAdmission.Options.MAX_CONCURRENT_RUNS + " runs at once, or 0 for one per core ("
                    + Runtime.getRuntime().availableProcessors() + " here).");
        }
        if (maxQueuedRuns < 0 || maxQueuedRuns > RunAdmission.Options.MAX_QUEUED_RUNS) {
            throw new ConfigFileException("--max_queued_runs=" + maxQueuedRuns + " is out of range: give 0 (no waiting:"
                    + " a call finding every run busy gets UNAVAILABLE) to " + RunAdmission.Options.MAX_QUEUED_RUNS
                    + ".");
        }
        int runs = maxConcurrentRuns == 0 ? RunAdmission.Options.defaults().maxConcurrentRuns() : maxConcurrentRuns;
        return new RunAdmission.Options(runs, maxQueuedRuns);
    }

    /**
     * The models to serve: those of {@code --model_config_file}, loaded before the ports open (as TensorFlow Serving
     * does) so that its labels can be checked, or the one model of {@code --model_name} and {@code --model_base_path}.
     */
    private ServingStack.Options models() {
        if (modelConfigFile == null) {
            if (configPollSeconds != 0) {
                throw new ConfigFileException("--model_config_file_poll_wait_seconds=" + configPollSeconds
                        + " needs --model_config_file: give the file, or leave the flag out.");
            }
            return ServingStack.Options.savedModels(modelName, resolveBasePath(), tensorflowThreads.sessionThreads())
                    .allowingLabelsForUnavailableModels(labelsForUnavailable);
        }
        for (String single : List.of("--model_name", "--model_base_path")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(single)) {
                throw new ConfigFileException("--model_config_file names the models to serve, so " + single
                        + " cannot be given with it (TensorFlow Serving would ignore it). Put the model in the"
                        + " config file, or leave --model_config_file out.");
            }
        }
        if (configPollSeconds < 0) {
            throw new ConfigFileException("--model_config_file_poll_wait_seconds=" + configPollSeconds
                    + " is negative: give the seconds between reads, or 0 to read the file once.");
        }
        Path file = modelConfigFile.toAbsolutePath().normalize();
        return ServingStack.Options.fromConfigFile(
                        ModelServerConfigs.readFile(file),
                        file,
                        Duration.ofSeconds(configPollSeconds),
                        ServableLoader.savedModels(tensorflowThreads.sessionThreads()))
                .allowingLabelsForUnavailableModels(labelsForUnavailable)
                .loadingFirst("Fix or remove that model in " + file + ", or its version folder, and start again.");
    }

    private Path resolveBasePath() {
        if (modelBasePath != null) {
            return modelBasePath.toAbsolutePath().normalize();
        }
        String fromEnv = System.getenv("MODEL_BASE_PATH");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv).toAbsolutePath().normalize();
        }
        return AppPaths.shippedModel();
    }
}
