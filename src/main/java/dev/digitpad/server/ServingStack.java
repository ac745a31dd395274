package dev.digitpad.server;

import dev.digitpad.inference.BatchScheduler;
import dev.digitpad.inference.BatchingOptions;
import dev.digitpad.inference.Lease;
import dev.digitpad.inference.ModelManager;
import dev.digitpad.inference.RunAdmission;
import dev.digitpad.inference.Servable;
import dev.digitpad.inference.ServableLoader;
import dev.digitpad.inference.ServingException;
import dev.digitpad.inference.SessionThreads;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.SignatureDef;

/**
 * The model server in one piece: the loader chain, the {@link ModelManager} over it, the {@link ServingCore} over
 * that, and the front ends over the core, built from one {@link Options} and stopped in one place. Whatever serves
 * models (the {@code serve} command, the benchmark, the load test, the desktop app's embedded server) starts one of
 * these rather than wiring the parts itself.
 *
 * <p>It stops as TensorFlow Serving's ServerCore does: the front ends first (letting calls in flight finish), then
 * the batch scheduler, then the manager (which unloads the models), then the run admission. If building fails half-way,
 * what was built is stopped the same way and the failure is thrown.
 */
public final class ServingStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServingStack.class);

    /** How long {@link #close()} lets calls in flight finish. */
    public static final Duration CLOSE_DRAIN = Duration.ofSeconds(10);

    /**
     * What to build.
     *
     * @param models the models to serve
     * @param loader what loads one version; the stack puts its timing, run bound, batching and warm-up file replay
     *     around it
     * @param pollInterval how often to look for new versions once {@link #startPolling()} is called; zero for once
     * @param timeLoads whether each load is timed and counted in the core's metrics
     * @param runBound each version's runs bounded so, or not bounded at all
     * @param batching predictions batched so, in front of the run bound, or not batched
     * @param network the network front ends (gRPC and optionally REST), or none
     * @param inProcess whether the gRPC services are also served on an in-process transport, with a channel to them
     * @param loadFirst if present, the models are loaded while building, before any front end starts, and a model that
     *     does not load fails the build with an {@link UnservableModel} whose message ends with this advice; if
     *     empty, nothing loads until {@link #startPolling()}
     * @param labels the version labels of each model, assigned once the models are loaded first (or at once, unchecked,
     *     if they are not)
     * @param labelsForUnavailable whether a new label may name a version that is not available
     * @param configFile the file the models and labels were read from, re-read while serving if it asks to be
     */
    public record Options(
            List<ModelManager.ModelConfig> models,
            ServableLoader loader,
            Duration pollInterval,
            boolean timeLoads,
            Optional<RunAdmission.Options> runBound,
            Optional<BatchingOptions> batching,
            Optional<ModelServer.Options> network,
            boolean inProcess,
            Optional<String> loadFirst,
            Map<String, Map<String, Long>> labels,
            boolean labelsForUnavailable,
            Optional<ConfigFile> configFile) {

        public Options {
            models = List.copyOf(models);
            labels = Map.copyOf(labels);
        }

        /** A {@code --model_config_file}, re-read every {@code pollInterval} (never, if zero). */
        public record ConfigFile(Path file, Duration pollInterval) {}

        /**
         * One model of SavedModels run with {@code threads}, looked for once; no timing, no run bound, no batching, no
         * front ends, nothing loaded until asked.
         */
        public static Options savedModels(String model, Path basePath, SessionThreads threads) {
            return of(List.of(new ModelManager.ModelConfig(model, basePath)), ServableLoader.savedModels(threads));
        }

        /** The given models, each version loaded by {@code loader}; otherwise as {@link #savedModels}. */
        public static Options of(List<ModelManager.ModelConfig> models, ServableLoader loader) {
            return new Options(
                    models,
                    loader,
                    Duration.ZERO,
                    false,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    false,
                    Optional.empty(),
                    Map.of(),
                    false,
                    Optional.empty());
        }

        /**
         * The models and labels a {@code --model_config_file} asks for, each version loaded by {@code loader}; the
         * file is re-read every {@code pollInterval} (never, if zero).
         */
        public static Options fromConfigFile(
                ModelServerConfigs.Served served, Path file, Duration pollInterval, ServableLoader loader) {
            return of(served.models(), loader).edit(o -> {
                o.labels = served.labels();
                o.configFile = Optional.of(new ConfigFile(file, pollInterval));
            });
        }

        public Options pollingEvery(Duration interval) {
            return edit(o -> o.pollInterval = interval);
        }

        public Options timingLoads() {
            return edit(o -> o.timeLoads = true);
        }

        public Options withRunBound(RunAdmission.Options bound) {
            return edit(o -> o.runBound = Optional.of(bound));
        }

        public Options withBatching(Optional<BatchingOptions> options) {
            return edit(o -> o.batching = options);
        }

        public Options withBatching(BatchingOptions options) {
            return withBatching(Optional.of(options));
        }

        public Options withNetwork(ModelServer.Options options) {
            return edit(o -> o.network = Optional.of(options));
        }

        public Options withInProcess() {
            return edit(o -> o.inProcess = true);
        }

        /** See {@code loadFirst} above; {@code whatToDo} ends the message of a model that does not load. */
        public Options loadingFirst(String whatToDo) {
            return edit(o -> o.loadFirst = Optional.of(whatToDo));
        }

        /** With the given labels (see {@code labels} above). */
        public Options withLabels(Map<String, Map<String, Long>> labels) {
            return edit(o -> o.labels = labels);
        }

        /** Letting a new label name a version that is not available, as TensorFlow Serving's flag of that name. */
        public Options allowingLabelsForUnavailableModels(boolean allow) {
            return edit(o -> o.labelsForUnavailable = allow);
        }

        /** A copy with what {@code change} sets changed. */
        private Options edit(java.util.function.Consumer<Draft> change) {
            Draft draft = new Draft(this);
            change.accept(draft);
            return draft.options();
        }

        /** Options being changed: every field settable, then made into options again. */
        private static final class Draft {
            List<ModelManager.ModelConfig> models;
            ServableLoader loader;
            Duration pollInterval;
            boolean timeLoads;
            Optional<RunAdmission.Options> runBound;
            Optional<BatchingOptions> batching;
            Optional<ModelServer.Options> network;
            boolean inProcess;
            Optional<String> loadFirst;
            Map<String, Map<String, Long>> labels;
            boolean labelsForUnavailable;
            Optional<ConfigFile> configFile;

            Draft(Options o) {
                models = o.models;
                loader = o.loader;
                pollInterval = o.pollInterval;
                timeLoads = o.timeLoads;
                runBound = o.runBound;
                batching = o.batching;
                network = o.network;
                inProcess = o.inProcess;
                loadFirst = o.loadFirst;
                labels = o.labels;
                labelsForUnavailable = o.labelsForUnavailable;
                configFile = o.configFile;
            }

            Options options() {
                return new Options(
                        models,
                        loader,
                        pollInterval,
                        timeLoads,
                        runBound,
                        batching,
                        network,
                        inProcess,
                        loadFirst,
                        labels,
                        labelsForUnavailable,
                        configFile);
            }
        }
    }

    private final Options options;
    private final ServingMetrics metrics = new ServingMetrics();
    /** The parts stopped so far, in order: for tests. */
    private final List<String> stopped = new ArrayList<>();

    private RunAdmission admission;
    private BatchScheduler scheduler;
    private ModelManager models;
    private ServingCore core;
    private ModelServer network;
    private ConfigFilePoller configPoller;
    private Server inProcessServer;
    private ManagedChannel inProcessChannel;
    private boolean running;
    private boolean stopping;

    private ServingStack(Options options) {
        this.options = options;
    }

    /**
     * Builds the stack and starts its front ends (after loading the models if {@link Options#loadFirst} asks for it).
     *
     * @throws UnservableModel if a model loaded first is not available
     * @throws IOException if a front end cannot listen, saying why
     */
    public static ServingStack start(Options options) throws IOException {
        ServingStack stack = new ServingStack(options);
        try {
            stack.build();
        } catch (IOException | RuntimeException | Error e) {
            stack.stop(Duration.ZERO);
            throw e;
        }
        return stack;
    }

    private void build() throws IOException {
        ServableLoader loader = options.loader();
        if (options.timeLoads()) {
            loader = metrics.timing(loader);
        }
        if (options.runBound().isPresent()) {
            admission = new RunAdmission(options.runBound().get());
            loader = admission.limiting(loader);
        }
        // Batching in front of the run bound: a batch takes its run slot when it is about to run.
        if (options.batching().isPresent()) {
            scheduler = new BatchScheduler(options.batching().get());
            loader = scheduler.batching(loader);
        }
        // Outermost: a version's warm-up file is replayed through its run bound and batching, before it is served.
        loader = new WarmupReplay(new ExampleInference(), metrics).around(loader);
        models = new ModelManager(options.models(), loader, options.pollInterval(), options.labelsForUnavailable());
        core = new ServingCore(models, metrics);
        if (options.loadFirst().isPresent()) {
            models.pollNow();
            for (ModelManager.ModelConfig model : options.models()) {
                requireAvailable(model, options.loadFirst().get());
            }
        }
        if (!options.labels().isEmpty()) {
            assignLabels();
        }
        if (options.network().isPresent()) {
            network = ModelServer.start(core, options.network().get());
        }
        if (options.inProcess()) {
            String name = InProcessServerBuilder.generateName();
            // Direct executors: a call runs in the caller's thread instead of hopping to gRPC's pools and back, which
            // answers sooner when the machine is busy.
            inProcessServer = new GrpcServices(core)
                    .addTo(InProcessServerBuilder.forName(name).directExecutor())
                    .build()
                    .start();
            inProcessChannel =
                    InProcessChannelBuilder.forName(name).directExecutor().build();
        }
        running = true;
    }

    /**
     * The labels of the options, checked against what is available when the models were loaded first. TensorFlow
     * Serving checks them before its first load, so that a config naming a version by label cannot start without
     * {@code --allow_version_labels_for_unavailable_models}; here the models load first, and only a label naming a
     * version that did not load is refused.
     */
    private void assignLabels() throws UnservableModel {
        if (options.loadFirst().isEmpty()) {
            throw new IllegalStateException("labels need the models loaded first");
        }
        try {
            models.assignLabels(options.labels());
        } catch (ServingException e) {
            for (Map.Entry<String, Map<String, Long>> model : options.labels().entrySet()) {
                List<Long> served = models.availableVersions(model.getKey());
                for (Map.Entry<String, Long> label : new java.util.TreeMap<>(model.getValue()).entrySet()) {
                    if (!served.contains(label.getValue())) {
                        throw new UnservableModel("Model " + model.getKey() + ": the label \"" + label.getKey()
                                + "\" names version " + label.getValue() + ", which is not being served (its"
                                + " version policy serves " + served + "). Name a version that is served, make the"
                                + " policy serve that one, or give --allow_version_labels_for_unavailable_models.");
                    }
                }
            }
            throw new UnservableModel(e.getMessage());
        }
    }

    /**
     * Refuses a model that did not load, with the reason its versions gave, or that there were none: for a caller
     * that cannot wait for a version to appear, as {@code serve} does.
     */
    private void requireAvailable(ModelManager.ModelConfig model, String whatToDo) throws UnservableModel {
        if (models.isAvailable(model.name())) {
            return;
        }
        String why;
        try {
            why = models.status(model.name(), OptionalLong.empty()).stream()
                    .flatMap(s -> s.error().stream())
                    .map(Throwable::getMessage)
                    .findFirst()
                    .orElse(null);
        } catch (ServingException e) {
            why = null; // no version at all
        }
        Path base = model.basePath();
        throw new UnservableModel("The model in " + base + " could not be loaded: "
                + (why != null
                        ? why
                        : Files.isDirectory(base)
                                ? "there is no version folder with a saved_model.pb in it"
                                : "there is no such folder")
                + ". " + whatToDo);
    }

    /** Starts looking for versions in the background, at the options' poll interval; the first look is at once. */
    public void startPolling() {
        models.start();
        options.configFile().filter(f -> f.pollInterval().isPositive()).ifPresent(f -> {
            configPoller = new ConfigFilePoller(
                    f.file(), models, new ModelServerConfigs.Served(options.models(), options.labels()));
            configPoller.start(f.pollInterval());
        });
    }

    public ServingCore core() {
        return core;
    }

    public ModelManager models() {
        return models;
    }

    /** The batch scheduler, when the options ask for batching. */
    public Optional<BatchScheduler> batchScheduler() {
        return Optional.ofNullable(scheduler);
    }

    /** The network gRPC port. */
    public int grpcPort() {
        return networkServer().grpcPort();
    }

    /** The network REST port, if REST is on. */
    public OptionalInt restPort() {
        return networkServer().restPort();
    }

    private ModelServer networkServer() {
        if (network == null) {
            throw new IllegalStateException("this stack has no network front end");
        }
        return network;
    }

    /** A channel to the in-process front end. */
    public ManagedChannel inProcessChannel() {
        if (inProcessChannel == null) {
            throw new IllegalStateException("this stack has no in-process front end");
        }
        return inProcessChannel;
    }

    /**
     * The {@value Servable#DEFAULT_SIGNATURE} signature of the loaded version of {@code model}, which {@code caller}
     * calls.
     *
     * @throws UnservableModel if the model has no such signature, naming those it has
     */
    public SignatureDef defaultSignature(String model, String caller) throws UnservableModel {
        Path base = options.models().stream()
                .filter(m -> m.name().equals(model))
                .findFirst()
                .orElseThrow()
                .basePath();
        try (Lease lease = models.acquire(model, OptionalLong.empty())) {
            return defaultSignature(lease.servable().signatures(), base, caller);
        }
    }

    /** The signature {@code caller} calls among {@code signatures} of the model in {@code base}, or its refusal. */
    public static SignatureDef defaultSignature(Map<String, SignatureDef> signatures, Path base, String caller)
            throws UnservableModel {
        SignatureDef signature = signatures.get(Servable.DEFAULT_SIGNATURE);
        if (signature == null) {
            throw new UnservableModel("The model in " + base + " has no \"" + Servable.DEFAULT_SIGNATURE
                    + "\" signature, which " + caller + " calls; it has " + signatures.keySet() + ".");
        }
        return signature;
    }

    /**
     * Stops taking calls and lets those in flight finish for up to {@code drain}, then stops the batch scheduler,
     * unloads the models and stops the run admission. Later calls do nothing.
     */
    public synchronized void stop(Duration drain) {
        if (stopping) {
            return;
        }
        stopping = true;
        if (configPoller != null) {
            configPoller.close(); // no reload while the server stops
            stopped.add("config file poller");
        }
        if (network != null) {
            network.stop(drain);
            stopped.add("network front end");
        }
        if (inProcessServer != null) {
            stopInProcess(drain);
            stopped.add("in-process front end");
        }
        if (scheduler != null) {
            scheduler.close();
            stopped.add("batch scheduler");
        }
        if (models != null) {
            if (running) {
                log.info("Unloading models");
            }
            models.close();
            stopped.add("model manager");
        }
        if (admission != null) {
            admission.close();
            stopped.add("run admission");
        }
    }

    private void stopInProcess(Duration drain) {
        if (inProcessChannel != null) {
            inProcessChannel.shutdown();
        }
        inProcessServer.shutdown();
        try {
            if (!inProcessServer.awaitTermination(drain.toNanos(), TimeUnit.NANOSECONDS)) {
                inProcessServer.shutdownNow();
            }
            if (inProcessChannel != null) {
                inProcessChannel.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            inProcessServer.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** The parts stopped so far, in the order they were stopped; for tests. */
    synchronized List<String> stopped() {
        return List.copyOf(stopped);
    }

    /** {@link #stop} with {@link #CLOSE_DRAIN}. */
    @Override
    public void close() {
        stop(CLOSE_DRAIN);
    }
}
