package dev.digitpad.inference;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.error.Code;

/**
 * Keeps the versions of each configured model that its {@link VersionPolicy} asks for loaded, and hands them out, in
 * the manner of TensorFlow Serving: a {@link VersionSource} finds versions on disk, a {@link ServableLoader} loads
 * them, and this manager serves a new version only once it is loaded and warm. A version the policy no longer wants is
 * unloaded after its last in-flight call, and only once the versions it wants are served: a version that fails to
 * load leaves the ones serving in place. The model list can be replaced while serving ({@link #reload}), and version
 * labels name versions ({@link #versionForLabel}).
 */
public final class ModelManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelManager.class);

    /** A model to serve: its name in requests, where its versions live, and which of them to serve. */
    public record ModelConfig(String name, Path basePath, VersionPolicy policy) {
        /** The highest version only, TensorFlow Serving's default. */
        public ModelConfig(String name, Path basePath) {
            this(name, basePath, VersionPolicy.latest());
        }
    }

    /** Told whenever a model gains its first available version or loses its last. */
    @FunctionalInterface
    public interface AvailabilityListener {
        void availabilityChanged(String model, boolean available);
    }

    /** The served models by name, in config order; replaced whole, never changed in place. */
    private volatile Map<String, Slot> slots;
    /** Label to version, by model; replaced whole. */
    private volatile Map<String, Map<String, Long>> labels = Map.of();

    private final ServableLoader loader;
    private final Duration pollInterval;
    private final boolean labelsForUnavailable;
    private final ScheduledExecutorService poller;
    private final List<AvailabilityListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /**
     * @param pollInterval how often to look for new versions; zero means look once, at start
     */
    public ModelManager(List<ModelConfig> models, ServableLoader loader, Duration pollInterval) {
        this(models, loader, pollInterval, false);
    }

    /**
     * @param labelsForUnavailable whether a new label may name a version that is not available (yet), as TensorFlow
     *     Serving's {@code --allow_version_labels_for_unavailable_models} allows
     */
    public ModelManager(
            List<ModelConfig> models, ServableLoader loader, Duration pollInterval, boolean labelsForUnavailable) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("at least one model is needed");
        }
        Map<String, Slot> initial = new LinkedHashMap<>();
        for (ModelConfig m : models) {
            if (initial.putIfAbsent(m.name(), new Slot(m)) != null) {
                throw new IllegalArgumentException("model \"" + m.name() + "\" is configured twice");
            }
        }
        this.slots = Collections.unmodifiableMap(initial);
        this.loader = loader;
        this.pollInterval = pollInterval;
        this.labelsForUnavailable = labelsForUnavailable;
        this.poller = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("model-poller")
                .daemon()
                .uncaughtExceptionHandler((t, e) -> log.error("Model poller failed", e))
                .factory());
    }

    public void addListener(AvailabilityListener listener) {
        listeners.add(listener);
    }

    /** Starts looking for versions in the background; the first look happens at once. */
    public void start() {
        if (pollInterval.isZero() || pollInterval.isNegative()) {
            poller.execute(this::pollSafely);
        } else {
            poller.scheduleWithFixedDelay(this::pollSafely, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Looks for versions now, on the calling thread, and loads or unloads as needed. */
    public synchronized void pollNow() {
        if (closed) {
            return;
        }
        for (Slot slot : slots.values()) {
            reconcile(slot);
        }
    }

    private void pollSafely() {
        try {
            pollNow();
        } catch (RuntimeException | Error e) {
            // A scheduled task that throws is never run again, and silently: log and keep polling.
            log.error("Looking for model versions failed; will try again at the next poll", e);
        }
    }

    /** Waits until every model has a version available, or the timeout passes. */
    public boolean awaitAvailable(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!slots.values().stream().allMatch(s -> !s.served.isEmpty())) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    public List<String> modelNames() {
        return List.copyOf(slots.keySet());
    }

    /** The configured models, in config order. */
    public List<ModelConfig> configs() {
        return slots.values().stream().map(Slot::config).toList();
    }

    /**
     * Whether {@code model} is one of the configured models. A name from a request is only ever looked up
     * here, never turned into a path, so a name such as {@code ../other} cannot reach the file system.
     */
    public boolean isConfigured(String model) {
        return slots.containsKey(model);
    }

    /** Whether {@code model} has at least one version available. */
    public boolean isAvailable(String model) {
        Slot slot = slots.get(model);
        return slot != null && !slot.served.isEmpty();
    }

    /** The versions of {@code model} available now, in ascending order; empty for an unknown model. */
    public List<Long> availableVersions(String model) {
        Slot slot = slots.get(model);
        return slot == null ? List.of() : List.copyOf(slot.served.keySet());
    }

    /**
     * A lease on the requested version (or the highest available if none is asked for). Close it when the call is
     * done.
     *
     * @throws ServingException NOT_FOUND for an unknown model or version, UNAVAILABLE while nothing is loaded
     */
    public Lease acquire(String model, OptionalLong version) {
        Slot slot = slots.get(model);
        if (slot == null) {
            throw ServingException.notFound(notFoundMessage(model, version));
        }
        while (true) {
            LoadedVersion chosen;
            if (version.isPresent()) {
                chosen = slot.served.get(version.getAsLong());
                if (chosen == null) {
                    throw ServingException.notFound(notFoundMessage(model, version));
                }
            } else {
                Map.Entry<Long, LoadedVersion> latest = slot.served.lastEntry();
                if (latest == null) {
                    throw new ServingException(Code.UNAVAILABLE, slot.unavailableReason());
                }
                chosen = latest.getValue();
            }
            Lease lease = chosen.tryAcquire();
            if (lease != null) {
                return lease;
            }
            Thread.onSpinWait(); // raced with an unload: the version has just left the served map
        }
    }

    private static String notFoundMessage(String model, OptionalLong version) {
        return version.isPresent()
                ? "Servable not found for request: Specific(" + model + ", " + version.getAsLong() + ")"
                : "Servable not found for request: Latest(" + model + ")";
    }

    /**
     * The version a label names.
     *
     * @throws ServingException INVALID_ARGUMENT, in TensorFlow Serving's words, for a label the model does not have
     */
    public long versionForLabel(String model, String label) {
        Long version = labels.getOrDefault(model, Map.of()).get(label);
        if (version == null) {
            throw ServingException.invalidArgument("Unrecognized servable version label: " + label);
        }
        return version;
    }

    /** The labels of {@code model}, each with the version it names, sorted by label. */
    public SortedMap<String, Long> labels(String model) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(labels.getOrDefault(model, Map.of())));
    }

    /**
     * Replaces every label, as TensorFlow Serving does when it reads a config: each label must name a version that
     * is available now, unless the manager allows labels for unavailable versions and the label is new or keeps its
     * version.
     *
     * @throws ServingException FAILED_PRECONDITION naming the first label that may not be assigned; then no label
     *     changes
     */
    public synchronized void assignLabels(Map<String, Map<String, Long>> newLabels) {
        Map<String, Map<String, Long>> copy = new LinkedHashMap<>();
        newLabels.forEach((model, byLabel) -> {
            if (!byLabel.isEmpty()) {
                copy.put(model, Map.copyOf(byLabel));
            }
        });
        for (Map.Entry<String, Map<String, Long>> model : copy.entrySet()) {
            Slot slot = slots.get(model.getKey());
            for (Map.Entry<String, Long> label : model.getValue().entrySet()) {
                long version = label.getValue();
                Long existing = labels.getOrDefault(model.getKey(), Map.of()).get(label.getKey());
                boolean mayBeUnavailable = labelsForUnavailable && (existing == null || existing == version);
                boolean available = slot != null && slot.served.containsKey(version);
                if (!available && !mayBeUnavailable) {
                    throw ServingException.failedPrecondition("Request to assign label to version " + version
                            + " of model " + model.getKey() + ", which is not currently available for inference."
                            + " Serve that version first (for example, reload with a version policy that keeps it),"
                            + " then give it the label; or start the server with"
                            + " --allow_version_labels_for_unavailable_models to name a version before it loads.");
                }
            }
        }
        labels = Collections.unmodifiableMap(copy);
        copy.forEach((model, byLabel) -> log.info("Model \"{}\": labels {}", model, new TreeMap<>(byLabel)));
    }

    /**
     * Replaces the model list, as TensorFlow Serving's ReloadConfig does, keeping every model that stays available
     * throughout: labels are checked and replaced first (see {@link #assignLabels}); new models are loaded and warmed
     * before they are served; models that stay keep serving while their new policies load and unload versions; models
     * that are gone stop being served at once and unload after their last call. A model whose base path changes is
     * loaded from the new path before the old one is retired. Returns when the new models are loaded.
     *
     * @throws ServingException FAILED_PRECONDITION for a label that may not be assigned (nothing changes then);
     *     UNKNOWN, after the change, if a new model has no version available, naming it and why
     */
    public synchronized void reload(List<ModelConfig> models, Map<String, Map<String, Long>> newLabels) {
        if (closed) {
            throw new ServingException(Code.UNAVAILABLE, "the server is shutting down");
        }
        Set<String> names = new HashSet<>();
        for (ModelConfig m : models) {
            if (!names.add(m.name())) {
                throw ServingException.invalidArgument(
                        "Illegal to list model " + m.name() + " multiple times in config list");
            }
        }
        assignLabels(newLabels);
        Map<String, Slot> previous = slots;
        Map<String, Slot> next = new LinkedHashMap<>();
        List<Slot> fresh = new ArrayList<>();
        List<Slot> kept = new ArrayList<>();
        for (ModelConfig m : models) {
            Slot old = previous.get(m.name());
            if (old != null && old.source.basePath().equals(m.basePath())) {
                if (!old.policy.equals(m.policy())) {
                    log.info(
                            "Model \"{}\": version policy {} replaces {}",
                            m.name(),
                            m.policy().describe(),
                            old.policy.describe());
                }
                old.policy = m.policy();
                next.put(m.name(), old);
                kept.add(old);
            } else {
                Slot slot = new Slot(m);
                log.info(
                        "Model \"{}\": added from {} with {}",
                        m.name(),
                        m.basePath(),
                        m.policy().describe());
                next.put(m.name(), slot);
                fresh.add(slot);
            }
        }
        for (Slot slot : fresh) {
            reconcile(slot); // loaded and warm before anyone can call it
        }
        slots = Collections.unmodifiableMap(next);
        for (Slot slot : kept) {
            reconcile(slot);
        }
        for (Slot old : previous.values()) {
            if (next.get(old.name) != old) {
                log.info(
                        "Model \"{}\": {}; its versions unload after their last calls",
                        old.name,
                        next.containsKey(old.name) ? "its base path changed" : "removed from the config");
                unloadAll(old);
            }
        }
        for (Slot slot : fresh) {
            if (!slot.served.isEmpty()) {
                notifyListeners(slot.name, true);
            }
        }
        List<String> unavailable = fresh.stream()
                .filter(s -> s.served.isEmpty())
                .map(s -> "{" + s.name + ": " + s.unavailableReason() + "}")
                .toList();
        if (!unavailable.isEmpty()) {
            throw new ServingException(
                    Code.UNKNOWN,
                    unavailable.size() + " model(s) did not become available: " + String.join(", ", unavailable));
        }
    }

    /**
     * The status of every version of the model that the manager has seen, or of one version.
     *
     * @throws ServingException NOT_FOUND for an unknown model or version
     */
    public List<VersionStatus> status(String model, OptionalLong version) {
        Slot slot = slots.get(model);
        if (slot == null) {
            throw ServingException.notFound("Could not find any versions of model " + model);
        }
        if (version.isPresent()) {
            VersionStatus s = slot.states.get(version.getAsLong());
            if (s == null) {
                throw ServingException.notFound("Could not find version " + version.getAsLong() + " of model " + model);
            }
            return List.of(s);
        }
        if (slot.states.isEmpty()) {
            throw ServingException.notFound("Could not find any versions of model " + model);
        }
        return List.copyOf(slot.states.descendingMap().values());
    }

    /** Stops polling and unloads every model; versions still in use are unloaded when their last call ends. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        poller.shutdownNow();
        try {
            poller.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            for (Slot slot : slots.values()) {
                unloadAll(slot);
            }
        }
    }

    private void reconcile(Slot slot) {
        NavigableMap<Long, VersionSource.Candidate> onDisk = slot.source.scan();
        slot.lastScanEmpty = onDisk.isEmpty();
        if (onDisk.isEmpty()) {
            if (!slot.served.isEmpty()) {
                log.warn(
                        "Model \"{}\": no versions left under {}; unloading version(s) {}",
                        slot.name,
                        slot.source.basePath(),
                        slot.served.keySet());
                unloadAll(slot);
            }
            return;
        }
        NavigableSet<Long> wanted = slot.policy.select(onDisk.navigableKeySet());
        // Highest first: with several to load, the one a request without a version gets is served soonest.
        for (long version : wanted.descendingSet()) {
            if (!slot.served.containsKey(version)) {
                load(slot, onDisk.get(version));
            }
        }
        boolean wantedServed = wanted.stream().anyMatch(slot.served::containsKey);
        for (long version : List.copyOf(slot.served.keySet())) {
            if (wanted.contains(version)) {
                continue;
            }
            if (!wantedServed) {
                // Nothing the policy wants could be loaded: what serves now keeps serving rather than nothing.
                continue;
            }
            unload(slot, version, onDisk.containsKey(version) ? "no longer in its version policy" : "gone from disk");
        }
        if (!wantedServed && !slot.served.isEmpty()) {
            slot.reportKeptOnce(wanted);
        } else {
            slot.keptReported = false;
        }
    }

    private void load(Slot slot, VersionSource.Candidate candidate) {
        long version = candidate.version();
        if (candidate.fingerprint().equals(slot.failed.get(version))) {
            return; // already failed in this very form; retried when its files change
        }
        slot.states.put(version, VersionStatus.of(version, VersionState.LOADING));
        log.info("Model \"{}\": loading version {} from {}", slot.name, version, candidate.dir());
        long started = System.nanoTime();
        Servable servable;
        try {
            servable = loader.load(slot.name, version, candidate.dir());
        } catch (ServingException e) {
            fail(slot, candidate, e);
            return;
        } catch (RuntimeException | Error e) {
            // An Error too (a missing class or native library, a failed assertion, memory): anything left
            // uncaught here would leave the version LOADING and end the background polling for good.
            fail(slot, candidate, new ServingException(Code.UNKNOWN, e.toString(), e));
            return;
        }
        slot.failed.remove(version);
        log.info(
                "Model \"{}\": version {} is loaded and warm after {} ms",
                slot.name,
                version,
                (System.nanoTime() - started) / 1_000_000);
        boolean wasEmpty = slot.served.isEmpty();
        slot.served.put(version, new LoadedVersion(slot.name, version, servable, v -> unloaded(slot, v)));
        slot.states.put(version, VersionStatus.of(version, VersionState.AVAILABLE));
        log.info("Model \"{}\": now serving version {}", slot.name, version);
        if (wasEmpty && slots.get(slot.name) == slot) {
            notifyListeners(slot.name, true);
        }
    }

    private void fail(Slot slot, VersionSource.Candidate candidate, ServingException e) {
        slot.failed.put(candidate.version(), candidate.fingerprint());
        slot.states.put(candidate.version(), VersionStatus.failed(candidate.version(), e));
        log.error(
                "Model \"{}\": version {} failed to load: {}. {}",
                slot.name,
                candidate.version(),
                e.getMessage(),
                slot.served.isEmpty()
                        ? "Nothing is being served."
                        : "Version(s) " + slot.served.keySet() + " keep serving.");
    }

    private void unloadAll(Slot slot) {
        for (long version : List.copyOf(slot.served.keySet())) {
            unload(slot, version, null);
        }
    }

    private void unload(Slot slot, long version, String why) {
        LoadedVersion retiring = slot.served.remove(version);
        if (retiring == null) {
            return;
        }
        slot.states.put(version, VersionStatus.of(version, VersionState.UNLOADING));
        if (why != null) {
            log.info("Model \"{}\": version {} is {}; it unloads after its in-flight calls", slot.name, version, why);
        }
        if (slot.served.isEmpty()) {
            notifyListeners(slot.name, false);
        }
        retiring.retire();
    }

    private void unloaded(Slot slot, LoadedVersion version) {
        try {
            version.servable().close();
        } finally {
            // Only a version still marked UNLOADING has ended: the same version number may have been loaded
            // again meanwhile (a rollback), and that copy's state must not be overwritten.
            slot.states.computeIfPresent(
                    version.version(),
                    (v, s) -> s.state() == VersionState.UNLOADING ? VersionStatus.of(v, VersionState.END) : s);
            log.info("Model \"{}\": version {} unloaded", version.model(), version.version());
        }
    }

    private void notifyListeners(String model, boolean available) {
        for (AvailabilityListener l : listeners) {
            try {
                l.availabilityChanged(model, available);
            } catch (RuntimeException e) {
                log.error("An availability listener failed", e);
            }
        }
    }

    private static final class Slot {
        final String name;
        final VersionSource source;
        volatile VersionPolicy policy;
        final ConcurrentSkipListMap<Long, LoadedVersion> served = new ConcurrentSkipListMap<>();
        final ConcurrentSkipListMap<Long, VersionStatus> states = new ConcurrentSkipListMap<>();
        final Map<Long, String> failed = new HashMap<>();
        volatile boolean lastScanEmpty;
        boolean keptReported;

        Slot(ModelConfig config) {
            this.name = config.name();
            this.source = new VersionSource(config.name(), config.basePath());
            this.policy = config.policy();
        }

        ModelConfig config() {
            return new ModelConfig(name, source.basePath(), policy);
        }

        void reportKeptOnce(NavigableSet<Long> wanted) {
            if (!keptReported) {
                keptReported = true;
                log.warn(
                        "Model \"{}\": none of the versions its policy {} wants ({}) could be loaded; version(s) {}"
                                + " keep serving",
                        name,
                        policy.describe(),
                        wanted,
                        served.keySet());
            }
        }

        String unavailableReason() {
            List<String> loading = new ArrayList<>();
            states.forEach((v, s) -> {
                if (s.state() == VersionState.LOADING) {
                    loading.add(Long.toString(v));
                }
            });
            if (!loading.isEmpty()) {
                return "Model \"" + name + "\" is still loading (version " + String.join(", ", loading)
                        + "); try again shortly.";
            }
            if (lastScanEmpty) {
                return "Model \"" + name + "\" has no version to serve: put a SavedModel in " + source.basePath()
                        + "/<version>/ (for example " + source.basePath() + "/1/saved_model.pb).";
            }
            if (!states.isEmpty()
                    && states.values().stream().allMatch(s -> s.error().isPresent())) {
                return "Model \"" + name + "\" has no version that loads: "
                        + states.lastEntry().getValue().error().orElseThrow().getMessage();
            }
            return "Model \"" + name + "\" has no version available yet; check the server log for load errors.";
        }
    }
}
