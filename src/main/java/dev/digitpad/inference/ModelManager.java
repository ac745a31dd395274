package dev.digitpad.inference;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.error.Code;

/**
 * Keeps the latest version of each configured model loaded and hands it out, in the manner of
 * TensorFlow Serving: a {@link VersionSource} finds versions on disk, a {@link ServableLoader} loads them,
 * and this manager swaps a new version in only once it is loaded and warm. The old version is unloaded
 * after its last in-flight call. A version that fails to load leaves the current one serving.
 */
public final class ModelManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelManager.class);

    /** A model to serve: its name in requests, and where its versions live. */
    public record ModelConfig(String name, Path basePath) {}

    /** Told whenever a model gains or loses its available version. */
    @FunctionalInterface
    public interface AvailabilityListener {
        void availabilityChanged(String model, boolean available);
    }

    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final ServableLoader loader;
    private final Duration pollInterval;
    private final ScheduledExecutorService poller;
    private final List<AvailabilityListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /**
     * @param pollInterval how often to look for new versions; zero means look once, at start
     */
    public ModelManager(List<ModelConfig> models, ServableLoader loader, Duration pollInterval) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("at least one model is needed");
        }
        for (ModelConfig m : models) {
            if (slots.putIfAbsent(m.name(), new Slot(m.name(), new VersionSource(m.name(), m.basePath()))) != null) {
                throw new IllegalArgumentException("model \"" + m.name() + "\" is configured twice");
            }
        }
        this.loader = loader;
        this.pollInterval = pollInterval;
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
        while (!slots.values().stream().allMatch(s -> s.current != null)) {
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

    /**
     * Whether {@code model} is one of the configured models. A name from a request is only ever looked up
     * here, never turned into a path, so a name such as {@code ../other} cannot reach the file system.
     */
    public boolean isConfigured(String model) {
        return slots.containsKey(model);
    }

    public boolean isAvailable(String model) {
        Slot slot = slots.get(model);
        return slot != null && slot.current != null;
    }

    /**
     * A lease on the requested version (or the latest if none is asked for). Close it when the call is done.
     *
     * @throws ServingException NOT_FOUND for an unknown model or version, UNAVAILABLE while nothing is loaded
     */
    public Lease acquire(String model, OptionalLong version) {
        Slot slot = slots.get(model);
        if (slot == null) {
            throw ServingException.notFound(notFoundMessage(model, version));
        }
        while (true) {
            LoadedVersion current = slot.current;
            if (current == null) {
                throw new ServingException(Code.UNAVAILABLE, slot.unavailableReason());
            }
            if (version.isPresent() && version.getAsLong() != current.version()) {
                throw ServingException.notFound(notFoundMessage(model, version));
            }
            Lease lease = current.tryAcquire();
            if (lease != null) {
                return lease;
            }
            Thread.onSpinWait(); // raced with a swap: the new version is already in place
        }
    }

    private static String notFoundMessage(String model, OptionalLong version) {
        return version.isPresent()
                ? "Servable not found for request: Specific(" + model + ", " + version.getAsLong() + ")"
                : "Servable not found for request: Latest(" + model + ")";
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
        for (Slot slot : slots.values()) {
            LoadedVersion current = slot.current;
            if (current != null) {
                slot.current = null;
                notifyListeners(slot.name, false);
                slot.states.put(current.version(), VersionStatus.of(current.version(), VersionState.UNLOADING));
                current.retire();
            }
        }
    }

    private void reconcile(Slot slot) {
        NavigableMap<Long, VersionSource.Candidate> onDisk = slot.source.scan();
        LoadedVersion current = slot.current;
        if (onDisk.isEmpty()) {
            slot.lastScanEmpty = true;
            if (current != null) {
                log.warn(
                        "Model \"{}\": no versions left under {}; unloading version {}",
                        slot.name,
                        slot.source.basePath(),
                        current.version());
                swap(slot, null);
            }
            return;
        }
        slot.lastScanEmpty = false;
        VersionSource.Candidate latest = onDisk.lastEntry().getValue();
        if (current != null && current.version() == latest.version()) {
            return;
        }
        if (latest.fingerprint().equals(slot.failed.get(latest.version()))) {
            return; // already failed in this very form; retried when its files change
        }
        slot.states.put(latest.version(), VersionStatus.of(latest.version(), VersionState.LOADING));
        log.info("Model \"{}\": loading version {} from {}", slot.name, latest.version(), latest.dir());
        long started = System.nanoTime();
        Servable servable;
        try {
            servable = loader.load(slot.name, latest.version(), latest.dir());
        } catch (ServingException e) {
            fail(slot, latest, e);
            return;
        } catch (RuntimeException | Error e) {
            // An Error too (a missing class or native library, a failed assertion, memory): anything left
            // uncaught here would leave the version LOADING and end the background polling for good.
            fail(slot, latest, new ServingException(Code.UNKNOWN, e.toString(), e));
            return;
        }
        slot.failed.remove(latest.version());
        log.info(
                "Model \"{}\": version {} is loaded and warm after {} ms",
                slot.name,
                latest.version(),
                (System.nanoTime() - started) / 1_000_000);
        swap(slot, new LoadedVersion(slot.name, latest.version(), servable, this::unloaded));
    }

    private void fail(Slot slot, VersionSource.Candidate candidate, ServingException e) {
        slot.failed.put(candidate.version(), candidate.fingerprint());
        slot.states.put(candidate.version(), VersionStatus.failed(candidate.version(), e));
        LoadedVersion current = slot.current;
        log.error(
                "Model \"{}\": version {} failed to load: {}. {}",
                slot.name,
                candidate.version(),
                e.getMessage(),
                current == null ? "Nothing is being served." : "Version " + current.version() + " keeps serving.");
    }

    private void swap(Slot slot, LoadedVersion next) {
        LoadedVersion previous = slot.current;
        slot.current = next;
        if (next != null) {
            slot.states.put(next.version(), VersionStatus.of(next.version(), VersionState.AVAILABLE));
            log.info("Model \"{}\": now serving version {}", slot.name, next.version());
        }
        if ((previous == null) != (next == null)) {
            notifyListeners(slot.name, next != null);
        }
        if (previous != null) {
            slot.states.put(previous.version(), VersionStatus.of(previous.version(), VersionState.UNLOADING));
            log.info(
                    "Model \"{}\": version {} retired; it unloads after its in-flight calls",
                    slot.name,
                    previous.version());
            previous.retire();
        }
    }

    private void unloaded(LoadedVersion version) {
        try {
            version.servable().close();
        } finally {
            Slot slot = slots.get(version.model());
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
        final ConcurrentSkipListMap<Long, VersionStatus> states = new ConcurrentSkipListMap<>();
        final Map<Long, String> failed = new HashMap<>();
        volatile LoadedVersion current;
        volatile boolean lastScanEmpty;

        Slot(String name, VersionSource source) {
            this.name = name;
            this.source = source;
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
            return "Model \"" + name + "\" has no version available yet; check the server log for load errors.";
        }
    }
}
