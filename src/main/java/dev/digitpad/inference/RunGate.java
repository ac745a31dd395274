package dev.digitpad.inference;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.error.Code;

/**
 * The admission of one loaded version's runs: at most {@code maxRunning} runs at once; a call beyond that waits
 * in a FIFO of at most {@code maxQueued} calls, and a call that would make it longer is refused at once with
 * UNAVAILABLE. A waiting call whose deadline passes, or whose caller goes away, leaves the queue then and is
 * never run. A call admitted at once runs on the caller's thread; one that waited runs on {@code runners}.
 *
 * <p>The batch scheduler takes slots with {@link #tryAcquire()} instead of queueing here: its own bounded queue
 * holds the batches that wait, and {@link #onSlotFreed} tells it when to look again.
 */
final class RunGate {
    private static final Logger log = LoggerFactory.getLogger(RunGate.class);

    /**
     * Counts since the version was loaded.
     *
     * @param admitted calls that ran at once, without waiting
     * @param admittedAfterWaiting calls that waited in the queue, then ran
     * @param refused calls refused because the queue was full
     * @param expired calls whose deadline passed while they waited
     * @param cancelled calls whose caller went away while they waited
     */
    record Stats(long admitted, long admittedAfterWaiting, long refused, long expired, long cancelled) {}

    private final String name;
    private final int maxRunning;
    private final int maxQueued;
    private final Executor runners;
    private final ScheduledExecutorService timers;
    private final ArrayDeque<Waiter<?>> queue = new ArrayDeque<>(); // guarded by this
    /** A moving average of how long the calls' runs took, in nanoseconds; negative until one has run. */
    private long typicalRunNanos = -1; // guarded by this

    private int running; // guarded by this; slots taken, including those handed to a waiter not yet started
    private boolean closed; // guarded by this
    private long admitted, admittedAfterWaiting, refused, expired, cancelled; // guarded by this
    private volatile Runnable onSlotFreed = () -> {};

    /**
     * @param name what the calls are for, for messages ({@code model "mnist" version 3})
     * @param runners where calls that waited are run
     * @param timers where the deadlines of waiting calls are watched
     */
    RunGate(String name, int maxRunning, int maxQueued, Executor runners, ScheduledExecutorService timers) {
        if (maxRunning < 1 || maxQueued < 0) {
            throw new IllegalArgumentException("a gate needs at least one run at once and a queue of 0 or more");
        }
        this.name = name;
        this.maxRunning = maxRunning;
        this.maxQueued = maxQueued;
        this.runners = runners;
        this.timers = timers;
    }

    String name() {
        return name;
    }

    /** Called, on the thread that freed it, whenever a slot becomes free and no queued call takes it. */
    void onSlotFreed(Runnable listener) {
        onSlotFreed = listener;
    }

    synchronized int running() {
        return running;
    }

    synchronized int queued() {
        return queue.size();
    }

    synchronized Stats stats() {
        return new Stats(admitted, admittedAfterWaiting, refused, expired, cancelled);
    }

    /**
     * Runs {@code run} once a slot is free: now, on the calling thread, if one is; else after the calls queued
     * before it, on a runner thread. The future completes with what {@code run} returns or throws, or with a
     * {@link ServingException}: UNAVAILABLE if the queue is full or the gate closed, DEADLINE_EXCEEDED or CANCELLED
     * if the call left the queue unrun.
     *
     * @param beforeWaiting checks made only when the call must wait, so that a call bound to fail fails at once
     *     rather than after its wait; what it throws completes the future
     */
    <T> CompletableFuture<T> submit(RunLimits limits, Supplier<T> run, Runnable beforeWaiting) {
        Waiter<T> waiter;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(closedFailure());
            }
            if (running < maxRunning) {
                running++;
                admitted++;
                waiter = null;
            } else {
                try {
                    beforeWaiting.run();
                } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(e);
                }
                if (queue.size() >= maxQueued) {
                    refused++;
                    return CompletableFuture.failedFuture(new ServingException(
                            Code.UNAVAILABLE,
                            "The server is"
                                    + " overloaded: " + name + " is already running " + maxRunning + " calls and "
                                    + maxQueued
                                    + " more are waiting (--max_concurrent_runs, --max_queued_runs). Retry with backoff, or give"
                                    + " the server more replicas or a faster model."));
                }
                waiter = new Waiter<>(limits, run);
                queue.addLast(waiter);
            }
        }
        if (waiter == null) {
            return runHere(run);
        }
        watch(waiter);
        return waiter.result;
    }

    /**
     * Takes a slot if one is free and no call is waiting for it; the taker must {@link #release()} it when its run
     * has ended.
     */
    synchronized boolean tryAcquire() {
        if (closed || running >= maxRunning || !queue.isEmpty()) {
            return false;
        }
        running++;
        admitted++;
        return true;
    }

    /**
     * Whether a call submitted now would start at once on the calling thread and, going by the runs so far, end
     * within {@code briefNanos}: no run is going on, none is waiting, and the moving average of the runs' times is
     * at most that. False before the first run has been timed. The average moves up by a quarter of the way to a
     * slower run and down by an eighth of the way to a faster one, so that after runs of 150 us one run of 4 ms is
     * enough to say no for 1 ms.
     */
    synchronized boolean idleWithBriefRuns(long briefNanos) {
        return !closed && running == 0 && queue.isEmpty() && typicalRunNanos >= 0 && typicalRunNanos <= briefNanos;
    }

    /** Whether {@link #tryAcquire()} would succeed now. */
    synchronized boolean hasFreeSlot() {
        return !closed && running < maxRunning && queue.isEmpty();
    }

    /** Gives a slot back: to the call that has waited longest, if any, else to whoever asks next. */
    void release() {
        release(-1);
    }

    /** {@link #release()}, after a call's run that took {@code ranNanos} (negative if it was not timed). */
    private void release(long ranNanos) {
        Waiter<?> next = passOn(ranNanos);
        if (next != null) {
            start(next);
        } else {
            onSlotFreed.run();
        }
    }

    /** The call that has waited longest, which now holds the ending run's slot; or null, and the slot is free. */
    private synchronized Waiter<?> passOn(long ranNanos) {
        if (ranNanos >= 0) {
            // Down slowly, up fast: a quarter of a slower run's time at once, an eighth of a faster one's.
            long change = ranNanos - Math.max(0, typicalRunNanos);
            typicalRunNanos = typicalRunNanos < 0 ? ranNanos : typicalRunNanos + (change > 0 ? change / 4 : change / 8);
        }
        Waiter<?> next = queue.pollFirst();
        if (next == null) {
            running--;
        } else {
            admittedAfterWaiting++;
        }
        return next;
    }

    /** Refuses every call still waiting, and every call from now on: the version is being unloaded. */
    void close() {
        ArrayDeque<Waiter<?>> left;
        synchronized (this) {
            closed = true;
            left = new ArrayDeque<>(queue);
            queue.clear();
        }
        for (Waiter<?> waiter : left) {
            waiter.stopWatching();
            waiter.result.completeExceptionally(closedFailure());
        }
    }

    private ServingException closedFailure() {
        return new ServingException(
                Code.UNAVAILABLE,
                name + " was unloaded before the call ran; retry, and the" + " version now being served will answer");
    }

    private <T> CompletableFuture<T> runHere(Supplier<T> run) {
        long started = System.nanoTime();
        T answer;
        try {
            answer = run.get();
        } catch (RuntimeException e) {
            release(System.nanoTime() - started);
            return CompletableFuture.failedFuture(e);
        } catch (Error e) {
            release();
            throw e;
        }
        release(System.nanoTime() - started);
        return CompletableFuture.completedFuture(answer);
    }

    /** Drops the waiter at its deadline, or when its caller goes away, unless its turn has come by then. */
    private void watch(Waiter<?> waiter) {
        waiter.limits.deadlineNanos().ifPresent(deadline -> {
            try {
                waiter.timer = timers.schedule(
                        () -> leave(waiter, Code.DEADLINE_EXCEEDED),
                        Math.max(0, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException closing) {
                // The server is shutting down: the queue is emptied by then.
            }
        });
        waiter.limits.onCancel().accept(() -> leave(waiter, Code.CANCELLED));
        if (waiter.limits.cancelled().getAsBoolean()) {
            leave(waiter, Code.CANCELLED);
        }
    }

    private void leave(Waiter<?> waiter, Code why) {
        synchronized (this) {
            if (!queue.remove(waiter)) {
                return; // its turn has come, or it has already left
            }
            if (why == Code.CANCELLED) {
                cancelled++;
            } else {
                expired++;
            }
        }
        waiter.stopWatching();
        long waitedMs = (System.nanoTime() - waiter.queuedNanos) / 1_000_000;
        log.debug("A call to {} left the queue after {} ms: {}", name, waitedMs, why);
        waiter.result.completeExceptionally(
                why == Code.CANCELLED
                        ? new ServingException(
                                Code.CANCELLED,
                                "the caller went away while the call waited " + waitedMs + " ms for " + name
                                        + " to be free; it was not run")
                        : new ServingException(
                                Code.DEADLINE_EXCEEDED,
                                "the deadline passed while the call waited " + waitedMs
                                        + " ms for " + name + " to be free (" + maxRunning
                                        + " calls were running); it was not run."
                                        + " Give the call a longer deadline, or the server more replicas or a faster model"));
    }

    /**
     * Runs {@code first} on a runner thread, which then goes on with the calls still waiting, keeping the slot,
     * until the queue is empty: a busy version's calls do not each wait for a thread to be woken.
     */
    private void start(Waiter<?> first) {
        first.stopWatching();
        try {
            runners.execute(() -> drain(first));
        } catch (RejectedExecutionException e) {
            release();
            first.result.completeExceptionally(
                    new ServingException(Code.UNAVAILABLE, "the server is shutting down; the call was not run"));
        }
    }

    private void drain(Waiter<?> first) {
        Waiter<?> waiter = first;
        while (waiter != null) {
            Runnable answer;
            long started = System.nanoTime();
            try {
                answer = runOne(waiter);
            } catch (Error e) {
                release();
                waiter.result.completeExceptionally(e);
                throw e;
            }
            Waiter<?> next = passOn(System.nanoTime() - started);
            // The slot is free (or passed on) before the caller hears back, so its next call finds it free.
            answer.run();
            if (next == null) {
                onSlotFreed.run();
            } else {
                next.stopWatching();
            }
            waiter = next;
        }
    }

    /** Runs a waiter's call; what it returns completes the waiter's future with the answer or the failure. */
    private static <T> Runnable runOne(Waiter<T> waiter) {
        try {
            T answer = waiter.run.get();
            return () -> waiter.result.complete(answer);
        } catch (RuntimeException e) {
            return () -> waiter.result.completeExceptionally(e);
        }
    }

    private static final class Waiter<T> {
        final RunLimits limits;
        final Supplier<T> run;
        final long queuedNanos = System.nanoTime();
        final CompletableFuture<T> result = new CompletableFuture<>();
        volatile ScheduledFuture<?> timer;

        Waiter(RunLimits limits, Supplier<T> run) {
            this.limits = limits;
            this.run = run;
        }

        void stopWatching() {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
        }
    }
}
