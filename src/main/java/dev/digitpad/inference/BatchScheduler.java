package dev.digitpad.inference;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.error.Code;

/**
 * Server-side batching in the manner of TensorFlow Serving's shared batch scheduler. Requests for the same
 * model version, signature and outputs, whose inputs have the same dtypes and the same shape apart from the
 * leading (batch) dimension, wait in one queue of batches. A batch runs when it is full ({@code
 * max_batch_size} rows), when a request that does not fit closes it, or {@code batch_timeout_micros} after
 * its first request, on one of {@code num_batch_threads} threads shared by every queue. A queue holds at most
 * {@code max_enqueued_batches} batches (a batch taken by a thread has left it); a request that would need
 * one more is refused at once with UNAVAILABLE. A request whose deadline passes while it waits is answered
 * DEADLINE_EXCEEDED at its deadline, and is not run if its batch has not started yet.
 * If the versions bound their runs ({@link RunAdmission}), a batch also needs a free run slot of its version to
 * run, and waits in its queue until one is free.
 *
 * <p>{@link #batching(ServableLoader)} puts the scheduler in front of every servable a loader makes.
 */
public final class BatchScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchScheduler.class);

    /**
     * Counts since the scheduler started.
     *
     * @param batches batches run
     * @param requests requests run in them
     * @param rows examples run in them (the sum of the requests' leading dimensions)
     * @param refused requests refused because their queue was full
     */
    public record Stats(long batches, long requests, long rows, long refused) {
        /** Examples per batch run, on average; 0 before the first batch. */
        public double meanRowsPerBatch() {
            return batches == 0 ? 0 : (double) rows / batches;
        }

        /** The counts since {@code earlier}. */
        public Stats since(Stats earlier) {
            return new Stats(
                    batches - earlier.batches,
                    requests - earlier.requests,
                    rows - earlier.rows,
                    refused - earlier.refused);
        }
    }

    private final BatchingOptions options;
    private final long timeoutNanos;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a batch may have become runnable, or the next one to time out has changed. */
    private final Condition work = lock.newCondition();

    private final Map<BatchingServable.QueueKey, BatchQueue> queues = new LinkedHashMap<>(); // guarded by lock
    private boolean closed; // guarded by lock
    private final List<Thread> threads = new ArrayList<>();
    private final ScheduledThreadPoolExecutor deadlines;
    private final LongAdder batchesRun = new LongAdder();
    private final LongAdder requestsRun = new LongAdder();
    private final LongAdder rowsRun = new LongAdder();
    private final LongAdder refused = new LongAdder();

    public BatchScheduler(BatchingOptions options) {
        this.options = options;
        this.timeoutNanos = options.batchTimeout().toNanos();
        this.deadlines = new ScheduledThreadPoolExecutor(
                1,
                Thread.ofPlatform()
                        .name("batch-deadlines")
                        .daemon()
                        .uncaughtExceptionHandler((t, e) -> log.error("Batch deadline timer failed", e))
                        .factory());
        deadlines.setRemoveOnCancelPolicy(true);
        var factory = Thread.ofPlatform()
                .name("batch-", 0)
                .daemon()
                .uncaughtExceptionHandler((t, e) -> log.error("Batch thread {} failed", t.getName(), e))
                .factory();
        for (int i = 0; i < options.numBatchThreads(); i++) {
            Thread thread = factory.newThread(this::work);
            threads.add(thread);
            thread.start();
        }
    }

    public BatchingOptions options() {
        return options;
    }

    public Stats stats() {
        return new Stats(batchesRun.sum(), requestsRun.sum(), rowsRun.sum(), refused.sum());
    }

    /** Requests waiting in the queues now, not yet taken by a batch thread. */
    public int queuedRequests() {
        lock.lock();
        try {
            int n = 0;
            for (BatchQueue queue : queues.values()) {
                for (Batch batch : queue.batches) {
                    n += batch.tasks.size();
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** A loader whose servables batch their predictions here; they are loaded (and warmed up) by {@code loader}. */
    public ServableLoader batching(ServableLoader loader) {
        return (model, version, dir) -> {
            BatchingServable servable = new BatchingServable(
                    "model \"" + model + "\" version " + version, loader.load(model, version, dir), this);
            servable.gate().ifPresent(gate -> gate.onSlotFreed(this::slotFreed));
            return servable;
        };
    }

    /** A version's run slot became free: a batch held back for want of one may run now. */
    private void slotFreed() {
        lock.lock();
        try {
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues one request; the future completes with its outputs, or with a {@link ServingException}.
     *
     * @throws ServingException UNAVAILABLE if the queue is full or the scheduler has been closed
     */
    CompletableFuture<Map<String, TensorProto>> submit(
            BatchingServable.QueueKey key, Map<String, TensorProto> inputs, int rows, RunLimits limits) {
        Task task = new Task(inputs, rows, limits);
        lock.lock();
        try {
            if (closed) {
                throw new ServingException(
                        Code.UNAVAILABLE,
                        "The server is shutting down and takes no more"
                                + " predictions; retry against another replica or once it is back.");
            }
            BatchQueue queue = queues.computeIfAbsent(key, BatchQueue::new);
            Batch open = queue.batches.peekLast();
            if (open != null && !open.closed && open.rows + rows <= options.maxBatchSize()) {
                open.add(task);
                if (open.rows == options.maxBatchSize()) {
                    open.closed = true;
                    work.signal();
                }
            } else {
                if (queue.batches.size() >= options.maxEnqueuedBatches()) {
                    refused.increment();
                    throw new ServingException(
                            Code.UNAVAILABLE,
                            "The batching queue of " + key.describe() + " is full ("
                                    + options.maxEnqueuedBatches() + " batches of up to " + options.maxBatchSize()
                                    + " examples are waiting); the server is overloaded. Retry with backoff, or raise"
                                    + " max_enqueued_batches or num_batch_threads in the batching parameters file.");
                }
                if (open != null) {
                    open.closed = true;
                }
                Batch batch = new Batch(queue, task.enqueuedNanos);
                batch.add(task);
                batch.closed = batch.rows == options.maxBatchSize();
                queue.batches.addLast(batch);
                work.signal();
            }
        } finally {
            lock.unlock();
        }
        limits.deadlineNanos().ifPresent(deadline -> {
            try {
                ScheduledFuture<?> expiry = deadlines.schedule(
                        () -> expire(task), Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                task.result.whenComplete((outputs, error) -> expiry.cancel(false));
            } catch (RejectedExecutionException closing) {
                // Closed meanwhile: close() has refused every queued request, this one included.
            }
        });
        return task.result;
    }

    private static void expire(Task task) {
        if (task.result.isDone()) {
            return;
        }
        long waitedMs = (System.nanoTime() - task.enqueuedNanos) / 1_000_000;
        task.result.completeExceptionally(
                new ServingException(
                        Code.DEADLINE_EXCEEDED,
                        task.started
                                ? "the deadline passed while the request's batch was running (" + waitedMs
                                        + " ms after it was queued);" + " give the call more time"
                                : "the deadline passed after the request had waited " + waitedMs
                                        + " ms for its batch, so it was not"
                                        + " run; give the call more time, or lower batch_timeout_micros or max_enqueued_batches"));
    }

    /** Drops the queues of a servable that is being unloaded, refusing anything still in them. */
    void remove(BatchingServable owner) {
        lock.lock();
        try {
            Iterator<BatchQueue> it = queues.values().iterator();
            while (it.hasNext()) {
                BatchQueue queue = it.next();
                if (queue.key.owner() == owner) {
                    failAll(queue, "the model version was unloaded before the request ran; retry");
                    it.remove();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refuses every request still waiting, and stops the threads once the batches running now are done (for up
     * to {@code wait}).
     */
    public void close(Duration wait) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (BatchQueue queue : queues.values()) {
                failAll(queue, "the server is shutting down; the request was not run");
            }
            queues.clear();
            work.signalAll();
        } finally {
            lock.unlock();
        }
        long end = System.nanoTime() + wait.toNanos();
        for (Thread thread : threads) {
            try {
                if (!thread.join(Duration.ofNanos(Math.max(1, end - System.nanoTime())))) {
                    log.warn("Batch thread {} is still running a batch; leaving it to finish", thread.getName());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        deadlines.shutdownNow();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    private static void failAll(BatchQueue queue, String why) {
        for (Batch batch : queue.batches) {
            for (Task task : batch.tasks) {
                task.result.completeExceptionally(new ServingException(Code.UNAVAILABLE, why));
            }
        }
        queue.batches.clear();
    }

    private void work() {
        while (true) {
            Batch batch;
            lock.lock();
            try {
                while (true) {
                    if (closed) {
                        return;
                    }
                    long now = System.nanoTime();
                    batch = takeRunnable(now);
                    if (batch != null) {
                        break;
                    }
                    long wait = nanosToNextTimeout(now);
                    if (wait == Long.MAX_VALUE) {
                        work.await();
                    } else {
                        work.awaitNanos(wait);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            run(batch);
        }
    }

    /**
     * The oldest batch that may run now, taken out of its queue with a run slot of its version if its version bounds
     * its runs; null if none. Called with the lock held.
     */
    private Batch takeRunnable(long now) {
        while (true) {
            Batch oldest = null;
            for (BatchQueue queue : queues.values()) {
                Batch head = queue.batches.peekFirst();
                if (head != null
                        && mayRun(head, now)
                        && (oldest == null || head.openedNanos - oldest.openedNanos < 0)) {
                    oldest = head;
                }
            }
            if (oldest == null) {
                return null;
            }
            Optional<RunGate> gate = oldest.queue.key.owner().gate();
            if (gate.isPresent() && !gate.get().tryAcquire()) {
                continue; // a call outside batching took the slot meanwhile: the batch waits for the next one
            }
            oldest.queue.batches.removeFirst();
            oldest.closed = true;
            oldest.slot = gate;
            if (hasRunnable(now)) {
                work.signal(); // pass the baton: another idle thread can take the next one
            }
            return oldest;
        }
    }

    /** Whether a queue's first batch may run now: it is due, and its version has a run slot free. */
    private boolean mayRun(Batch head, long now) {
        return (head.closed || now - head.openedNanos >= timeoutNanos) && hasSlot(head);
    }

    private static boolean hasSlot(Batch batch) {
        return batch.queue.key.owner().gate().map(RunGate::hasFreeSlot).orElse(true);
    }

    private boolean hasRunnable(long now) {
        for (BatchQueue queue : queues.values()) {
            Batch head = queue.batches.peekFirst();
            if (head != null && mayRun(head, now)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Nanoseconds until the first open batch times out; Long.MAX_VALUE if no batch is waiting, or only batches
     * that wait for a run slot (a freed slot signals).
     */
    private long nanosToNextTimeout(long now) {
        long wait = Long.MAX_VALUE;
        for (BatchQueue queue : queues.values()) {
            Batch head = queue.batches.peekFirst();
            if (head != null && hasSlot(head)) {
                wait = Math.min(wait, Math.max(1, head.openedNanos + timeoutNanos - now));
            }
        }
        return wait;
    }

    private void run(Batch batch) {
        try {
            runHoldingSlot(batch);
        } finally {
            batch.slot.ifPresent(RunGate::release);
        }
    }

    private void runHoldingSlot(Batch batch) {
        List<Task> live = new ArrayList<>(batch.tasks.size());
        long now = System.nanoTime();
        for (Task task : batch.tasks) {
            if (task.result.isDone()) {
                continue; // its deadline passed while it waited: already answered
            }
            if (task.limits.cancelled().getAsBoolean()) {
                task.result.completeExceptionally(new ServingException(
                        Code.CANCELLED, "the caller went away while the request waited for its batch; it was not run"));
                continue;
            }
            if (task.limits.deadlineNanos().isPresent()
                    && task.limits.deadlineNanos().get() - now <= 0) {
                expire(task);
                continue;
            }
            task.started = true;
            live.add(task);
        }
        if (live.isEmpty()) {
            return;
        }
        int rows = live.stream().mapToInt(t -> t.rows).sum();
        batchesRun.increment();
        requestsRun.add(live.size());
        rowsRun.add(rows);
        try {
            List<Map<String, TensorProto>> answers = batch.queue
                    .key
                    .owner()
                    .runBatch(batch.queue.key, live.stream().map(t -> t.inputs).toList(), rows, limitsOf(live));
            for (int i = 0; i < live.size(); i++) {
                live.get(i).result.complete(answers.get(i));
            }
        } catch (RuntimeException | Error e) {
            for (Task task : live) {
                task.result.completeExceptionally(e);
            }
            if (e instanceof Error) {
                log.error("A batch of {} failed", batch.queue.key.describe(), e);
            }
        }
    }

    /**
     * The limits of a batch: no request may be cut short by another's deadline, so the run may take until the
     * latest deadline (or without limit if any request has none); it is skipped only if every caller has gone.
     */
    private static RunLimits limitsOf(List<Task> tasks) {
        java.util.function.BooleanSupplier allGone = () -> tasks.stream()
                .allMatch(t -> t.result.isDone() || t.limits.cancelled().getAsBoolean());
        Long latest = null;
        for (Task task : tasks) {
            Optional<Long> deadline = task.limits.deadlineNanos();
            if (deadline.isEmpty()) {
                return new RunLimits(Optional.empty(), allGone);
            }
            if (latest == null || deadline.get() - latest > 0) {
                latest = deadline.get();
            }
        }
        return new RunLimits(Optional.ofNullable(latest), allGone);
    }

    private static final class Task {
        final Map<String, TensorProto> inputs;
        final int rows;
        final RunLimits limits;
        final long enqueuedNanos = System.nanoTime();
        final CompletableFuture<Map<String, TensorProto>> result = new CompletableFuture<>();
        volatile boolean started;

        Task(Map<String, TensorProto> inputs, int rows, RunLimits limits) {
            this.inputs = inputs;
            this.rows = rows;
            this.limits = limits;
        }
    }

    private static final class Batch {
        final BatchQueue queue;
        final long openedNanos;
        final List<Task> tasks = new ArrayList<>();
        int rows;
        /** No more requests join it: it is full, or a request that did not fit opened the next one. */
        boolean closed;
        /** The gate whose run slot the batch took when a thread took it; released when it has run. */
        Optional<RunGate> slot = Optional.empty();

        Batch(BatchQueue queue, long openedNanos) {
            this.queue = queue;
            this.openedNanos = openedNanos;
        }

        void add(Task task) {
            tasks.add(task);
            rows += task.rows;
        }
    }

    private static final class BatchQueue {
        final BatchingServable.QueueKey key;
        /** Oldest first; only the last may still be open. */
        final ArrayDeque<Batch> batches = new ArrayDeque<>();

        BatchQueue(BatchingServable.QueueKey key) {
            this.key = key;
        }
    }
}
