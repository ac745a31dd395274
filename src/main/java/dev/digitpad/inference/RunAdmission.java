package dev.digitpad.inference;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the runs of each loaded model version: at most {@code max_concurrent_runs} execute at once, and at most
 * {@code max_queued_runs} more wait for their turn, first come first served. This is what keeps abandoned work from
 * piling up: TensorFlow cannot stop a run once it has started (its run timeout is reported only when the graph
 * has ended), so without a bound every retry of a call to a model slower than its deadline would start another
 * full run. With it, a call that cannot run yet waits without using a core, and leaves the queue unrun when its
 * deadline passes or its caller goes away.
 *
 * <p>{@link #limiting(ServableLoader)} puts a gate in front of every version a loader makes, so each version has
 * its own bound, and a version being replaced keeps its gate until its last call has ended. With batching, the
 * batch scheduler goes in front of the gate ({@code scheduler.batching(admission.limiting(loader))}): a batch takes
 * a slot when it is about to run and waits in the scheduler's own queue until then, so batched calls are not
 * queued twice.
 */
public final class RunAdmission implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunAdmission.class);

    /**
     * @param maxConcurrentRuns runs of one model version that may execute at once
     * @param maxQueuedRuns calls to one model version that may wait for a free run; more are refused with UNAVAILABLE
     */
    public record Options(int maxConcurrentRuns, int maxQueuedRuns) {
        /** More runs at once than this would only make TensorFlow's threads fight for the cores. */
        public static final int MAX_CONCURRENT_RUNS = 1024;

        public static final int MAX_QUEUED_RUNS = 1_000_000;
        /**
         * Waiting calls per version by default: a burst of this many callers waits rather than being refused, as
         * TensorFlow Serving would make it wait; a waiting call holds only its request (3 KB for MNIST).
         */
        public static final int DEFAULT_QUEUED_RUNS = 1024;

        public Options {
            if (maxConcurrentRuns < 1 || maxConcurrentRuns > MAX_CONCURRENT_RUNS) {
                throw new IllegalArgumentException(
                        "max_concurrent_runs must be from 1 to " + MAX_CONCURRENT_RUNS + ", got " + maxConcurrentRuns);
            }
            if (maxQueuedRuns < 0 || maxQueuedRuns > MAX_QUEUED_RUNS) {
                throw new IllegalArgumentException(
                        "max_queued_runs must be from 0 to " + MAX_QUEUED_RUNS + ", got " + maxQueuedRuns);
            }
        }

        /**
         * One run per core at once, and {@link #DEFAULT_QUEUED_RUNS} waiting. A model run on the CPU keeps at
         * least one core busy, and TensorFlow spreads each op over all of them: more runs than cores at once add no
         * throughput, they only share the same cores and all finish later.
         */
        public static Options defaults() {
            return new Options(Runtime.getRuntime().availableProcessors(), DEFAULT_QUEUED_RUNS);
        }

        /** The options in the flags' own words, for logs. */
        public String describe() {
            return String.format(
                    Locale.ROOT,
                    "max_concurrent_runs=%d, max_queued_runs=%d per model version",
                    maxConcurrentRuns,
                    maxQueuedRuns);
        }
    }

    private final Options options;
    private final ExecutorService runners;
    private final ScheduledThreadPoolExecutor timers;

    public RunAdmission(Options options) {
        this.options = options;
        // Only calls that waited run here, at most max_concurrent_runs per version at a time.
        this.runners = Executors.newCachedThreadPool(Thread.ofPlatform()
                .name("model-run-", 0)
                .daemon()
                .uncaughtExceptionHandler((t, e) -> log.error("Model run thread {} failed", t.getName(), e))
                .factory());
        this.timers = new ScheduledThreadPoolExecutor(
                1,
                Thread.ofPlatform()
                        .name("run-queue-deadlines")
                        .daemon()
                        .uncaughtExceptionHandler((t, e) -> log.error("Run queue deadline timer failed", e))
                        .factory());
        timers.setRemoveOnCancelPolicy(true);
    }

    public Options options() {
        return options;
    }

    /** A loader whose servables run through a gate of their own; they are loaded (and warmed up) by {@code loader}. */
    public ServableLoader limiting(ServableLoader loader) {
        return (model, version, dir) -> {
            Servable servable = loader.load(model, version, dir);
            return new AdmittedServable(servable, gate("model \"" + model + "\" version " + version));
        };
    }

    RunGate gate(String name) {
        return new RunGate(name, options.maxConcurrentRuns(), options.maxQueuedRuns(), runners, timers);
    }

    /**
     * Stops the threads once the runs going on now have ended (for up to {@code wait}). Call it after the models
     * are unloaded or the front ends have stopped: a call still waiting then is refused by its version's unloading.
     */
    public void close(Duration wait) {
        timers.shutdownNow();
        runners.shutdown();
        try {
            if (!runners.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Model runs were still going on after {} ms; leaving them to finish", wait.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
